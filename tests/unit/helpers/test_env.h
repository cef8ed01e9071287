// test_env.h - where the unit tests find their keyring and data files.
//
// Both come from variables CTest sets (MAILVEIL_TEST_KEYRING, MAILVEIL_TEST_DATA).
// A missing variable or file throws, so the test fails instead of passing vacuously.
#pragma once

#include <string>
#include <string_view>

namespace mailveil::test {

// The GnuPG home made by tests/support/make-test-keyring.
std::string keyring_dir();

// The exact bytes of tests/data/<relative_path>.
std::string read_data_file(std::string_view relative_path);

// The primary fingerprint make-test-keyring recorded for a label ("bob", "dave-new", ...).
std::string fingerprint_of(std::string_view label);

} // namespace mailveil::test
