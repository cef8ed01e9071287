// replay_main.cpp - drive the reply-parser fuzz entry point without libFuzzer.
//
// With GCC builds (the default) libFuzzer is not available, so this runs
// LLVMFuzzerTestOneInput over a fixed seed corpus and 20000 deterministic
// mutations of it (fixed PRNG seed), under ASan/UBSan when the build has
// them. run_libfuzzer.sh runs the real libFuzzer target with clang.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main() {
    const std::vector<std::string> seeds = {
        "220 mx.example.org ESMTP\r\n",
        "250-mx\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n",
        "220\n",
        "250-a\r\n251 b\r\n",
        "421 4.3.2 busy\r\n554 5.7.1 no\r\n",
        "250 " + std::string(600, 'x') + "\r\n",
        std::string("2\x00\x35 nul\r\n", 9),
    };
    std::mt19937 rng(20261129);
    std::size_t runs = 0;
    for (const auto& s : seeds) {
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
        ++runs;
    }
    for (int i = 0; i < 20000; ++i) {
        std::string s = seeds[rng() % seeds.size()];
        int edits = 1 + static_cast<int>(rng() % 8);
        for (int e = 0; e < edits; ++e) {
            std::size_t at = s.empty() ? 0 : rng() % (s.size() + 1);
            switch (rng() % 4) {
            case 0:
                s.insert(at, 1, static_cast<char>(rng() % 256));
                break;
            case 1:
                if (at < s.size())
                    s.erase(at, 1 + rng() % 4);
                break;
            case 2:
                if (at < s.size())
                    s[at] = static_cast<char>(rng() % 256);
                break;
            default:
                s += seeds[rng() % seeds.size()];
            }
        }
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
        ++runs;
    }
    std::printf("%zu passed, 0 failed\n", runs);
    return 0;
}
