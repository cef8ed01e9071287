#include "milter/body_memory.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

using mailveil::milter::BodyMemoryClaim;

TEST_CASE("body memory claims share one total and give it back", "[body-memory]") {
    const auto before = BodyMemoryClaim::total();
    {
        BodyMemoryClaim first;
        BodyMemoryClaim second;
        CHECK(first.grow(600, before + 1000));
        CHECK(second.grow(400, before + 1000));
        CHECK(BodyMemoryClaim::total() == before + 1000);
        // Over the limit: refused, nothing claimed.
        CHECK_FALSE(second.grow(1, before + 1000));
        CHECK(second.bytes() == 400);
        first.release();
        CHECK(first.bytes() == 0);
        CHECK(second.grow(600, before + 1000));
        // No limit.
        CHECK(second.grow(1u << 30, 0));
    }
    CHECK(BodyMemoryClaim::total() == before);
}

TEST_CASE("body memory claims from many threads never pass the limit", "[body-memory]") {
    const auto before = BodyMemoryClaim::total();
    constexpr std::uint64_t kLimit = 100000;
    std::atomic<bool> over{false}; // Catch2's assertions are not thread-safe
    std::vector<std::thread> threads;
    std::vector<BodyMemoryClaim> claims(8);
    for (auto& claim : claims) {
        threads.emplace_back([&claim, &over, before] {
            for (int i = 0; i < 10000; ++i) {
                if (claim.grow(7, before + kLimit) && BodyMemoryClaim::total() > before + kLimit) {
                    over = true;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    std::uint64_t claimed = 0;
    for (const auto& claim : claims) {
        claimed += claim.bytes();
    }
    CHECK_FALSE(over);
    CHECK(claimed == BodyMemoryClaim::total() - before);
    CHECK(claimed <= kLimit);
    CHECK(claimed > kLimit - 7 * 8);
}
