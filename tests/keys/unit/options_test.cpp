// The command line of mailveil-keys and the fingerprint forms remove accepts.
#include "keys/options.h"
#include "keys/remove_keys.h"

#include <catch2/catch.hpp>

#include <vector>

using namespace mailveil::keys;

namespace {

Options parse(std::vector<std::string> words) {
    std::vector<char*> argv;
    std::string program = "mailveil-keys";
    argv.push_back(program.data());
    for (auto& word : words) {
        argv.push_back(word.data());
    }
    return parse_options(static_cast<int>(argv.size()), argv.data());
}

} // namespace

TEST_CASE("commands and their arguments", "[keys][options]") {
    const Options list = parse({"list"});
    CHECK(list.command == Command::List);
    CHECK(list.config_file == "/etc/mailveil/mailveil.conf");
    CHECK_FALSE(list.config_file_given);

    const Options import = parse({"-c", "/tmp/m.conf", "import", "-"});
    CHECK(import.command == Command::Import);
    CHECK(import.argument == "-");
    CHECK(import.config_file == "/tmp/m.conf");
    CHECK(import.config_file_given);

    const Options remove = parse({"remove", "--all", "bob@example.org"});
    CHECK(remove.command == Command::Remove);
    CHECK(remove.all);
    CHECK(remove.argument == "bob@example.org");

    CHECK(parse({"check", "--", "-odd@example.org"}).argument == "-odd@example.org");
    CHECK(parse({"-h"}).help);
}

TEST_CASE("bad command lines are usage errors", "[keys][options]") {
    CHECK_THROWS_AS(parse({}), UsageError);
    CHECK_THROWS_AS(parse({"frobnicate"}), UsageError);
    CHECK_THROWS_AS(parse({"list", "extra"}), UsageError);
    CHECK_THROWS_AS(parse({"import"}), UsageError);
    CHECK_THROWS_AS(parse({"check", "a@example.org", "b@example.org"}), UsageError);
    CHECK_THROWS_AS(parse({"check", "--all", "a@example.org"}), UsageError);
    CHECK_THROWS_AS(parse({"-c"}), UsageError);
    CHECK_THROWS_AS(parse({"-x", "list"}), UsageError);
    CHECK_THROWS_AS(parse({"check", ""}), UsageError);
}

TEST_CASE("fingerprints as admins paste them", "[keys][remove]") {
    const std::string v4 = "486821B524D567F68E1E4B7B37F17D2B477136A0";
    CHECK(as_fingerprint(v4) == v4);
    CHECK(as_fingerprint("4868 21b5 24d5 67f6 8e1e  4b7b 37f1 7d2b 4771 36a0") == v4);
    CHECK(as_fingerprint("0x486821b524d567f68e1e4b7b37f17d2b477136a0") == v4);
    CHECK(as_fingerprint(std::string(64, 'a')) == std::string(64, 'A'));
    CHECK(as_fingerprint("37F17D2B477136A0").empty()); // a key id is not a fingerprint
    CHECK(as_fingerprint("bob@example.org").empty());
    CHECK(as_fingerprint(v4 + "0").empty());
    CHECK(as_fingerprint("486821B524D567F68E1E4B7B37F17D2B477136AG").empty());
}
