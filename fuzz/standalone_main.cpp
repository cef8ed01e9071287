// standalone_main.cpp - runs a fuzz target without libFuzzer, over files.
//
//   fuzz_regression_TARGET FILE|DIR...
//
// Links with one fuzz target (fuzz_*.cpp) in the normal gcc build, so the
// seed corpora and every reproducer kept in fuzz/regressions/<target>/ run
// as CTest tests (label fuzz-regression), under the sanitizer build too.
// Calls LLVMFuzzerInitialize when the target has one, then the target once
// per file (directories are read one level deep, in name order). A finding
// aborts, as under libFuzzer; exit 0 means every input ran clean, 1 means an
// argument could not be read or named no input at all.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

namespace fs = std::filesystem;

// The files an argument names; a missing path is an error, not an empty list.
bool collect(const fs::path& path, std::vector<fs::path>& files) {
    std::error_code error;
    if (fs::is_directory(path, error)) {
        std::vector<fs::path> found;
        for (const auto& entry : fs::directory_iterator(path, error)) {
            if (entry.is_regular_file() && entry.path().filename().string().front() != '.') {
                found.push_back(entry.path());
            }
        }
        std::sort(found.begin(), found.end());
        files.insert(files.end(), found.begin(), found.end());
        return !error;
    }
    if (fs::is_regular_file(path, error)) {
        files.push_back(path);
        return true;
    }
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return false;
}

} // namespace

int main(int argc, char** argv) {
    if (LLVMFuzzerInitialize != nullptr) {
        LLVMFuzzerInitialize(&argc, &argv);
    }
    std::vector<fs::path> files;
    for (int i = 1; i < argc; ++i) {
        if (!collect(argv[i], files)) {
            return 1;
        }
    }
    if (files.empty()) {
        std::fprintf(stderr, "no input files\n");
        return 1;
    }
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        const std::string bytes{std::istreambuf_iterator<char>(in), {}};
        std::fprintf(stderr, "running %s (%zu bytes)\n", file.c_str(), bytes.size());
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    }
    std::fprintf(stderr, "%zu inputs ran clean\n", files.size());
    return 0;
}
