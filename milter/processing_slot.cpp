#include "milter/processing_slot.h"

#include <algorithm>
#include <semaphore>
#include <thread>

namespace mailveil::milter {
namespace {

constexpr std::ptrdiff_t kMaxSlots = 1024;

std::counting_semaphore<kMaxSlots>& slots() {
    static std::counting_semaphore<kMaxSlots> semaphore(
        static_cast<std::ptrdiff_t>(ProcessingSlot::count()));
    return semaphore;
}

} // namespace

std::size_t ProcessingSlot::count() {
    const std::size_t cpus = std::max(1u, std::thread::hardware_concurrency());
    return std::clamp<std::size_t>(4 * cpus, 4, kMaxSlots);
}

ProcessingSlot::ProcessingSlot() {
    slots().acquire();
}

ProcessingSlot::~ProcessingSlot() {
    slots().release();
}

} // namespace mailveil::milter
