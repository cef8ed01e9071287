// mailveil.conf (config/): "key = value" parsing, file:line errors, typed
// values, flags overriding the file, and the shipped example configuration.
#include "config/config_file.h"
#include "config/settings.h"
#include "helpers/test_env.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

using namespace mailveil::config;
namespace fs = std::filesystem;

namespace {

class TempConfig {
  public:
    explicit TempConfig(const std::string& text) {
        char pattern[] = "/tmp/mailveil-conf-XXXXXX";
        if (::mkdtemp(pattern) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        dir_ = pattern;
        std::ofstream(path()) << text;
    }
    ~TempConfig() { fs::remove_all(dir_); }
    TempConfig(const TempConfig&) = delete;
    TempConfig& operator=(const TempConfig&) = delete;
    std::string path() const { return (dir_ / "mailveil.conf").string(); }
    std::string dir() const { return dir_.string(); }

  private:
    fs::path dir_;
};

std::string error_of(const std::string& text) {
    TempConfig file(text);
    try {
        load_settings(file.path(), {});
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(no error)";
}

std::string source_file(const std::string& relative) {
    // MAILVEIL_TEST_DATA is <source>/tests/data
    const fs::path data =
        std::getenv("MAILVEIL_TEST_DATA") ? std::getenv("MAILVEIL_TEST_DATA") : "";
    std::ifstream in(data.parent_path().parent_path() / relative);
    if (!in) {
        throw std::runtime_error("cannot read " + relative);
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

TEST_CASE("config: comments, blanks and continuation lines", "[config]") {
    const auto entries = parse_config_text("# c\n\nsocket = inet:1@h\nsubmission_daemons = A,\n"
                                           "   B\n  # not a continuation\nuser=x\n",
                                           "f");
    REQUIRE(entries.size() == 3);
    CHECK(entries[0].key == "socket");
    CHECK(entries[0].value == "inet:1@h");
    CHECK(entries[0].origin == "f:3");
    CHECK(entries[1].value == "A, B");
    CHECK(entries[2].key == "user");
    CHECK(entries[2].value == "x");
    CHECK(entries[2].origin == "f:7");
}

TEST_CASE("config: errors name the file and line", "[config]") {
    CHECK_THAT(error_of("user = a\nbogus = 1\n"), Catch::Contains(":2: unknown setting \"bogus\""));
    CHECK_THAT(error_of("umask = 9\n"), Catch::Contains(":1: umask: expected an octal umask"));
    CHECK_THAT(error_of("\n\nhide_recipients = maybe\n"),
               Catch::Contains(":3: hide_recipients: expected yes or no"));
    CHECK_THAT(error_of("max_message_size = 10X\n"), Catch::Contains("unknown size unit"));
    // 2^34 G is 2^64 bytes: it must not wrap around to 0, "no limit".
    CHECK_THAT(error_of("max_message_size = 17179869184G\n"), Catch::Contains("is too large"));
    CHECK_THAT(error_of("spool_threshold = 18446744073709551615k\n"),
               Catch::Contains("is too large"));
    CHECK(error_of("max_message_size = 17179869183G\n") == "(no error)");
    CHECK_THAT(error_of("mixed_recipients = sometimes\n"),
               Catch::Contains("expected one of plaintext, split, tempfail"));
    CHECK_THAT(error_of("keyring = relative/dir\n"), Catch::Contains("must be an absolute path"));
    CHECK_THAT(error_of("socket = tcp:25\n"), Catch::Contains("expected unix:/path"));
    CHECK_THAT(error_of("gpg_timeout = 3601\n"), Catch::Contains("from 0 (no limit) to 3600"));
    CHECK_THAT(error_of("gpg_timeout = 2s\n"), Catch::Contains("gpg_timeout: expected whole"));
    CHECK_THAT(error_of("just words\n"), Catch::Contains(":1: expected \"key = value\""));
    CHECK_THAT(error_of("  continued = x\n"), Catch::Contains(":1: continuation line"));
}

TEST_CASE("config: typed values", "[config]") {
    TempConfig file("max_message_size = 2M\numask = 027\nlog_level = debug\n"
                    "on_error = pass\nrecipient_delimiter = +\nsubmission_daemons = A B,C\n"
                    "gpg_timeout = 0\n");
    const Settings s = load_settings(file.path(), {});
    CHECK(s.max_message_size == 2u * 1024 * 1024);
    CHECK(s.umask == 027);
    CHECK(s.log_level == LogLevel::Debug);
    CHECK(s.on_error == OnError::Pass);
    CHECK(s.engine_settings().policy.recipient_delimiter == "+");
    CHECK(s.submission_daemons == std::vector<std::string>{"A", "B", "C"});
    CHECK(s.gpg_timeout == 0);
}

TEST_CASE("config: command-line flags override the file", "[config]") {
    TempConfig file("socket = inet:1@127.0.0.1\nuser = fromfile\n");
    const Settings s =
        load_settings(file.path(), {{"socket", "unix:/tmp/x.sock", "command line (-p)"}});
    CHECK(s.socket == "unix:/tmp/x.sock");
    CHECK(s.user == "fromfile");
    CHECK_THROWS_WITH(load_settings(file.path(), {{"umask", "x", "command line (-u)"}}),
                      Catch::StartsWith("command line (-u): umask:"));
}

TEST_CASE("config: policy files are read with the settings", "[config]") {
    TempConfig file("");
    std::ofstream(file.dir() + "/rules") << "secret@example.org require\n* opportunistic\n";
    std::ofstream(file.dir() + "/map") << "role@example.org 0x" << std::string(40, 'a') << "\n";
    std::ofstream(file.path()) << "recipient_rules = " << file.dir()
                               << "/rules\nkey_map = " << file.dir()
                               << "/map\nmixed_recipients = tempfail\n";
    const Settings s = load_settings(file.path(), {});
    const auto engine = s.engine_settings();
    CHECK(engine.policy.rules.size() == 2);
    CHECK(engine.policy.rules.action_for("Secret@Example.org") ==
          mailveil::core::RecipientAction::Require);
    CHECK(engine.policy.key_map.fingerprint_for("role@example.org") == std::string(40, 'A'));
    CHECK(engine.mixed_fallback == mailveil::core::MixedFallback::Tempfail);

    std::ofstream(file.dir() + "/rules") << "secret@example.org sometimes\n";
    CHECK_THROWS_WITH(load_settings(file.path(), {}), Catch::Contains("/rules:1: unknown action"));
}

TEST_CASE("config: the example file lists every setting with its default", "[config]") {
    // Uncommenting every "#key = value" line of packaging/mailveil.conf must
    // parse and give exactly the built-in defaults.
    const std::string example = source_file("packaging/mailveil.conf");
    const std::string uncommented =
        std::regex_replace(example, std::regex("^#([a-z_]+ =)", std::regex::multiline), "$1");
    TempConfig file(uncommented);
    const Settings from_example = load_settings(file.path(), {});
    const Settings defaults;
    CHECK(render_settings(from_example) == render_settings(defaults));
    // and every setting the parser knows appears in the example
    std::istringstream rendered(render_settings(defaults));
    for (std::string line; std::getline(rendered, line);) {
        const std::string key = line.substr(0, line.find(' '));
        CHECK_THAT(example, Catch::Contains("#" + key + " ="));
    }
}
