// body_memory.h - the message bodies all sessions hold in memory together.
//
// spool_threshold bounds one message; with many sessions at once the bodies
// below it still add up (and processing holds a few copies of each). A
// session claims its body's bytes here as they arrive; when the claim would
// take the process over body_memory_limit, the body goes to a spool file
// instead, as a big one does, so memory stays bounded whatever the number
// of concurrent sessions.
//
// Thread safety: claims from many threads share one atomic total.
#pragma once

#include <cstdint>

namespace mailveil::milter {

class BodyMemoryClaim {
  public:
    BodyMemoryClaim() = default;
    BodyMemoryClaim(const BodyMemoryClaim&) = delete;
    BodyMemoryClaim& operator=(const BodyMemoryClaim&) = delete;
    ~BodyMemoryClaim() { release(); }

    // Claims more bytes unless the total would pass limit (0: no limit);
    // false leaves the claim as it was.
    bool grow(std::uint64_t more, std::uint64_t limit);
    // Gives every claimed byte back.
    void release();
    std::uint64_t bytes() const { return bytes_; }

    // The bytes claimed by all sessions now.
    static std::uint64_t total();

  private:
    std::uint64_t bytes_ = 0;
};

} // namespace mailveil::milter
