#include "sim/scenario/yaml_document.h"

#include <yaml-cpp/eventhandler.h>

#include <sstream>

#include "sim/scenario/loader.h"

namespace mqttbed::scenario {
namespace {

// Thrown through the parser to stop at the second document's start.
struct SecondDocument {
  YAML::Mark mark;
  bool stuck;  // the parser made no progress since the previous document
};

// Reads documents as events only (nothing is built) and stops at the second one. It also
// guards against a yaml-cpp 0.7 bug: a stray top-level ',' makes the parser report empty
// documents forever without consuming input, so YAML::LoadAll never returns.
class DocumentCounter : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (documents_++ > 0) throw SecondDocument{mark, mark.pos <= first_.pos};
    first_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  int documents_ = 0;
  YAML::Mark first_;
};

ScenarioError syntax_error(const std::string& file, const YAML::Exception& error) {
  // yaml-cpp's DeepRecursion (nesting past 2000 levels) is a ParserException too.
  return ScenarioError(file, error.mark.line + 1, error.mark.column + 1, "",
                       "found invalid YAML (" + error.msg + "), expected a YAML mapping");
}

void check_one_document(const std::string& text, const std::string& file) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentCounter counter;
  try {
    while (parser.HandleNextDocument(counter)) {
    }
  } catch (const SecondDocument& second) {
    int line = second.mark.line + 1;
    int column = second.mark.column + 1;
    if (second.stuck) {
      std::size_t pos = static_cast<std::size_t>(second.mark.pos);
      std::string found = pos < text.size() ? std::string(1, text[pos]) : "end of input";
      throw ScenarioError(file, line, column, "",
                          "found invalid YAML (unexpected '" + found +
                              "'), expected a YAML "
                              "mapping");
    }
    throw ScenarioError(file, line, column, "",
                        "found a second YAML document, expected one scenario per file");
  } catch (const YAML::Exception& error) {
    throw syntax_error(file, error);
  }
}

}  // namespace

YAML::Node parse_single_document(const std::string& text, const std::string& file) {
  if (text.size() > kMaxScenarioBytes) {
    throw ScenarioError(
        file, 1, 1, "",
        "found " + std::to_string(text.size()) + " bytes, expected a scenario of at most 1MiB");
  }
  check_one_document(text, file);
  YAML::Node document;
  try {
    document = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    throw syntax_error(file, error);
  }
  if (document.IsNull()) {
    throw ScenarioError(file, 1, 1, "",
                        "found an empty document, expected a mapping with name, duration "
                        "and fleet");
  }
  return document;
}

}  // namespace mqttbed::scenario
