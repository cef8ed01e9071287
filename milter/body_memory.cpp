#include "milter/body_memory.h"

#include <atomic>

namespace mailveil::milter {
namespace {

std::atomic<std::uint64_t> claimed_total{0};

} // namespace

bool BodyMemoryClaim::grow(std::uint64_t more, std::uint64_t limit) {
    std::uint64_t total = claimed_total.load();
    do {
        if (limit > 0 && (total + more > limit || total + more < total)) {
            return false;
        }
    } while (!claimed_total.compare_exchange_weak(total, total + more));
    bytes_ += more;
    return true;
}

void BodyMemoryClaim::release() {
    claimed_total -= bytes_;
    bytes_ = 0;
}

std::uint64_t BodyMemoryClaim::total() {
    return claimed_total.load();
}

} // namespace mailveil::milter
