// JUnit XML: escaping, counts, and a violation's evidence in the <failure>.
#include "sim/report/junit_writer.h"

#include <gtest/gtest.h>

namespace mqttbed::report {
namespace {

TEST(JunitWriter, EscapesMarkupQuotesAndForbiddenControlCharacters) {
  EXPECT_EQ(xml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(xml_escape(std::string("x\x01y\tz\n", 6)), "x?y\tz\n");
  EXPECT_EQ(xml_escape("home/1/light/+"), "home/1/light/+");
}

check::Verdict failed_ordering() {
  check::Verdict verdict;
  verdict.guarantee = "ordering";
  verdict.passed = false;
  verdict.violation_count = 3;
  check::Violation violation;
  violation.invariant = "first deliveries arrive in publish order";
  violation.spec = "MQTT-4.6.0-6";
  violation.clients = {"pub<1>", "sub&2"};
  violation.topic = "home/\"1\"/t";
  violation.excerpt = {"t=1 publish <seq 2>", "t=2 deliver seq 1"};
  verdict.violations.push_back(violation);
  return verdict;
}

TEST(JunitWriter, FailureCarriesInvariantSpecClientsTopicAndExcerptEscaped) {
  JunitSuite suite;
  suite.name = "s<1>";
  suite.verdicts.push_back(check::Verdict{"qos1", true, {}, {}, 0, {}});
  suite.verdicts.push_back(failed_ordering());
  std::string xml = junit_xml(suite);
  EXPECT_NE(xml.find("<testsuites name=\"mqttbed\" tests=\"2\" failures=\"1\" errors=\"0\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testsuite name=\"s&lt;1&gt;\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<testcase classname=\"s&lt;1&gt;.guarantees\" name=\"qos1\" time=\"0\"/>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("message=\"first deliveries arrive in publish order [MQTT-4.6.0-6] topic "
                     "home/&quot;1&quot;/t\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("clients: pub&lt;1&gt;, sub&amp;2"), std::string::npos) << xml;
  EXPECT_NE(xml.find("  t=1 publish &lt;seq 2&gt;"), std::string::npos) << xml;
  EXPECT_NE(xml.find("2 more violation(s) not shown"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("<seq"), std::string::npos) << "unescaped markup leaked";
}

TEST(JunitWriter, ExpectationsAreTestCasesAndCountAsFailures) {
  JunitSuite suite;
  suite.name = "s";
  ExpectationResult missed;
  missed.expectation.metric = "latency.qos1.p99";
  missed.expectation.text = "< 10ms";
  missed.message = "latency.qos1.p99 = 0.5 (expected < 0.01)";
  suite.expectations.push_back(missed);
  std::string xml = junit_xml(suite);
  EXPECT_NE(xml.find("tests=\"1\" failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("name=\"latency.qos1.p99 &lt; 10ms\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure type=\"expect\""), std::string::npos) << xml;
}

}  // namespace
}  // namespace mqttbed::report
