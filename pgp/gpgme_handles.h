// gpgme_handles.h - owning handles for GPGME contexts, keys and data buffers.
#pragma once

#include <gpgme.h>

#include <memory>
#include <string>

namespace mailveil::pgp {

struct ContextRelease {
    void operator()(gpgme_ctx_t ctx) const { gpgme_release(ctx); }
};
using Context = std::unique_ptr<gpgme_context, ContextRelease>;

struct DataRelease {
    void operator()(gpgme_data_t data) const { gpgme_data_release(data); }
};
using Data = std::unique_ptr<gpgme_data, DataRelease>;

// Keys are reference counted by GPGME; Key shares one reference.
class Key {
  public:
    Key() = default;
    // Takes over the reference the caller holds (as from gpgme_op_keylist_next).
    static Key adopt(gpgme_key_t key) { return Key(key); }

    Key(const Key& other) : key_(other.key_) {
        if (key_ != nullptr) {
            gpgme_key_ref(key_);
        }
    }
    Key& operator=(Key other) noexcept {
        std::swap(key_, other.key_);
        return *this;
    }
    Key(Key&& other) noexcept : key_(other.key_) { other.key_ = nullptr; }
    ~Key() {
        if (key_ != nullptr) {
            gpgme_key_unref(key_);
        }
    }

    gpgme_key_t get() const { return key_; }
    explicit operator bool() const { return key_ != nullptr; }

  private:
    explicit Key(gpgme_key_t key) : key_(key) {}
    gpgme_key_t key_ = nullptr;
};

} // namespace mailveil::pgp
