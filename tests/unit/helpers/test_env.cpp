#include "helpers/test_env.h"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace mailveil::test {
namespace {

std::string required_env(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        throw std::runtime_error(std::string(name) +
                                 " is not set; run the unit tests through ctest");
    }
    return value;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace

std::string keyring_dir() {
    return required_env("MAILVEIL_TEST_KEYRING");
}

std::string read_data_file(std::string_view relative_path) {
    return read_file(required_env("MAILVEIL_TEST_DATA") + "/" + std::string(relative_path));
}

std::string fingerprint_of(std::string_view label) {
    std::istringstream lines(read_file(keyring_dir() + "/fingerprints.txt"));
    std::string name;
    std::string fingerprint;
    while (lines >> name >> fingerprint) {
        if (name == label) {
            return fingerprint;
        }
    }
    throw std::runtime_error("fingerprints.txt has no key labelled " + std::string(label));
}

} // namespace mailveil::test
