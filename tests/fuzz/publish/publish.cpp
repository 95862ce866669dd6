// HQ's upload path (`sync-server publish`): the file's text parsed as the command parses it,
// the publish-time check with the shared forms and content code, and the write of the record
// every kiosk will pull, into a real server database. Input: one byte choosing the kind (form
// or content) and the scope (every centre or one), then the file's text.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "sync-server/core/database.hpp"
#include "sync-server/core/form_validation.hpp"
#include "sync-server/core/publish.hpp"
#include "tests/fuzz/fuzz.hpp"
#include "ws/envelope.hpp"

namespace ws::fuzz {
namespace {

// One database for the whole run, in a private temporary folder removed at exit.
class ScratchDatabase {
 public:
  ScratchDatabase() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/ws-fuzz-publish-XXXXXX";
    if (!::mkdtemp(pattern.data())) invariant_failed("mkdtemp", __FILE__, __LINE__);
    dir_ = pattern;
    auto opened = server::Database::open(dir_ + "/server.db");
    if (!opened) invariant_failed("open the scratch database", __FILE__, __LINE__);
    db_ = *opened;
  }
  ~ScratchDatabase() {
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  server::Database& operator*() { return *db_; }

 private:
  std::string dir_;
  std::shared_ptr<server::Database> db_;
};

}  // namespace

int publish(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static ScratchDatabase db;
  static const server::DefinitionCheck check = server::publish_definition_check();
  const std::string kind = data[0] % 2 == 0 ? "form" : "content";
  const std::string centre = data[0] & 2 ? "centre-a" : "";
  auto definition = server::parse_published_text(text_of(data + 1, size - 1));
  if (!definition) return 0;
  auto published = server::publish(*db, kind, *definition, centre, check);
  if (!published) return 0;
  WS_FUZZ_CHECK(published->kind == kind && published->version >= 1);
  // Publishing the same file again changes nothing.
  auto again = server::publish(*db, kind, *definition, centre, check);
  WS_FUZZ_CHECK(again.has_value() && !again->changed && again->seq == published->seq);
  return 0;
}

}  // namespace ws::fuzz

WS_FUZZ_ENTRY(publish)
