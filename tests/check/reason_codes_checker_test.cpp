// Reason codes checker: the codes each packet may carry, per protocol level, both ways.
#include <gtest/gtest.h>

#include "tests/check/bed.h"

namespace mqttbed::check::testing {
namespace {

// connect_sent as an MQTT 5 client (code 5) and a CONNACK with `code`.
void connect_v5(Bed& bed, const std::string& name, int code = 0, bool session_present = false) {
  bed[name].set_protocol_level(5);
  bed[name].connect_sent(/*clean_session=*/false, std::uint32_t{3600});
  bed.tick();
  bed[name].connack(session_present, code);
  bed.tick();
}

TEST(ReasonCodesChecker, LegalV5CodesPass) {
  Bed bed({"reason_codes"});
  connect_v5(bed, "dev");
  bed["dev"].subscribe_sent("a/#", 2);
  bed["dev"].suback("a/#", 0x87, "not authorized");  // a refusal is a legal answer
  bed["dev"].unsubscribe_sent("a/#");
  bed["dev"].unsuback("a/#", 0x11);  // no subscription existed
  auto m = bed["dev"].publish_sent("a/b", 1, false, "x");
  bed["dev"].publish_acked(m.seq, 0x10);  // no matching subscribers
  auto m2 = bed["dev"].publish_sent("a/c", 2, false, "x");
  bed["dev"].pubrec(m2.seq, 0x00);
  bed["dev"].publish_acked(m2.seq, 0x92);  // PUBCOMP: packet identifier not found
  bed["dev"].connection_lost("broker_closed", 0x8E, "takeover");
  const Verdict& v = bed.verdict("reason_codes");
  EXPECT_TRUE(v.passed) << explain(v);
  EXPECT_EQ(v.counts.checked, 7u);
  EXPECT_EQ(v.counts.ok, 7u);
}

TEST(ReasonCodesChecker, PubackCodeOutsideItsTableFails) {
  Bed bed({"reason_codes"});
  connect_v5(bed, "dev");
  auto m = bed["dev"].publish_sent("a/b", 1, false, "x");
  bed["dev"].publish_acked(m.seq, 0x03);
  const Verdict& v = bed.verdict("reason_codes");
  ASSERT_FALSE(v.passed);
  EXPECT_EQ(v.counts.unexpected, 1u);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.4.2-1");
  EXPECT_EQ(v.violations.at(0).messages.size(), 1u);
}

// 0x92 is a PUBCOMP code, not a PUBACK one: the table follows the publish's QoS.
TEST(ReasonCodesChecker, PubcompCodeOnAPubackFails) {
  Bed bed({"reason_codes"});
  connect_v5(bed, "dev");
  auto m = bed["dev"].publish_sent("a/b", 1, false, "x");
  bed["dev"].publish_acked(m.seq, 0x92);
  EXPECT_FALSE(bed.verdict("reason_codes").passed);
}

TEST(ReasonCodesChecker, RefusedConnackClaimingASessionFails) {
  Bed bed({"reason_codes"});
  connect_v5(bed, "dev", 0x87, /*session_present=*/true);
  const Verdict& v = bed.verdict("reason_codes");
  ASSERT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.2.2-6");
}

TEST(ReasonCodesChecker, ClientOnlyDisconnectCodeFromTheServerFails) {
  Bed bed({"reason_codes"});
  connect_v5(bed, "dev");
  bed["dev"].connection_lost("broker_closed", 0x04);  // Disconnect with Will Message
  EXPECT_FALSE(bed.verdict("reason_codes").passed);
}

TEST(ReasonCodesChecker, UnsubackCodeOutsideItsTableFails) {
  Bed bed({"reason_codes"});
  connect_v5(bed, "dev");
  bed["dev"].unsubscribe_sent("a/#");
  bed["dev"].unsuback("a/#", 0x10);
  const Verdict& v = bed.verdict("reason_codes");
  ASSERT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.11.3-2");
}

// The same codes mean different things per level: a v5 SUBACK refusal 0x87 does not exist
// in 3.1.1, whose only failure is 0x80.
TEST(ReasonCodesChecker, V311TablesApplyToV311Connections) {
  Bed bed({"reason_codes"});
  bed.connect("old");
  bed.subscribe("old", "a/#", 0x80);
  bed.subscribe("old", "b/#", 1);
  bed.publish("old", "a/b", 1);
  EXPECT_TRUE(bed.verdict("reason_codes").passed) << explain(bed.verdict("reason_codes"));

  Bed wrong({"reason_codes"});
  wrong.connect("old");
  wrong.subscribe("old", "a/#", 0x87);
  const Verdict& v = wrong.verdict("reason_codes");
  ASSERT_FALSE(v.passed);
  EXPECT_EQ(v.violations.at(0).spec, "MQTT-3.9.3-2");
}

TEST(ReasonCodesChecker, V311ConnackRefusalsPassAndUnknownCodesFail) {
  Bed bed({"reason_codes"});
  bed["a"].connect_sent(true);
  bed["a"].connack(false, 5);  // not authorized
  EXPECT_TRUE(bed.verdict("reason_codes").passed);

  Bed wrong({"reason_codes"});
  wrong["a"].connect_sent(true);
  wrong["a"].connack(false, 0x87);  // a v5 code on a 3.1.1 connection
  EXPECT_FALSE(wrong.verdict("reason_codes").passed);
}

}  // namespace
}  // namespace mqttbed::check::testing
