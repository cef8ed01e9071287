// processing_slot.h - at most a few messages are parsed, encrypted and handed
// back to the MTA at once.
//
// Each message being processed holds a few copies of its body (up to
// spool_threshold in memory) and GMime and GPGME buffers even when spooled,
// so without a bound the daemon's peak memory grows with the number of
// concurrent sessions. The work is CPU-bound (gpg), so more messages in
// flight than a few per core only wait for the CPU anyway; the others wait
// here, well within an MTA's end-of-message timeout.
#pragma once

#include <cstddef>

namespace mailveil::milter {

class ProcessingSlot {
  public:
    // Waits for a free slot.
    ProcessingSlot();
    ProcessingSlot(const ProcessingSlot&) = delete;
    ProcessingSlot& operator=(const ProcessingSlot&) = delete;
    ~ProcessingSlot();

    // 4 per CPU, at least 4.
    static std::size_t count();
};

} // namespace mailveil::milter
