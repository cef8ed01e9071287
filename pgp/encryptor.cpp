#include "pgp/encryptor.h"

#include "core/errors.h"
#include "pgp/gpgme_runtime.h"

#include <cerrno>
#include <exception>

namespace mailveil::pgp {
namespace {

Data new_memory_data() {
    gpgme_data_t raw = nullptr;
    if (auto err = gpgme_data_new(&raw); err != GPG_ERR_NO_ERROR) {
        throw EncryptionError(describe_error("cannot allocate GPGME data", err));
    }
    return Data(raw);
}

Data data_from(std::string_view bytes) {
    gpgme_data_t raw = nullptr;
    // copy = 0: GPGME reads the caller's buffer, which outlives the operation.
    if (auto err = gpgme_data_new_from_mem(&raw, bytes.data(), bytes.size(), 0);
        err != GPG_ERR_NO_ERROR) {
        throw EncryptionError(describe_error("cannot wrap plaintext for GPGME", err));
    }
    return Data(raw);
}

std::string take_contents(gpgme_data_t data) {
    std::size_t length = 0;
    char* buffer = gpgme_data_release_and_get_mem(data, &length);
    std::string out(buffer != nullptr ? buffer : "", length);
    gpgme_free(buffer);
    return out;
}

// GPGME data whose reads and writes go to C++ callables. GPGME calls back
// from inside gpgme_op_encrypt on this thread; an exception is kept and
// rethrown after the operation, never passed through C.
class CallbackData {
  public:
    CallbackData(const PlaintextSource* source, const ArmorSink* sink)
        : source_(source), sink_(sink) {
        callbacks_.read = &CallbackData::read;
        callbacks_.write = &CallbackData::write;
        gpgme_data_t raw = nullptr;
        if (auto err = gpgme_data_new_from_cbs(&raw, &callbacks_, this); err != GPG_ERR_NO_ERROR) {
            throw EncryptionError(describe_error("cannot set up GPGME data", err));
        }
        data_ = Data(raw);
    }
    CallbackData(const CallbackData&) = delete;
    CallbackData& operator=(const CallbackData&) = delete;

    gpgme_data_t get() const { return data_.get(); }
    void rethrow() const {
        if (error_) {
            std::rethrow_exception(error_);
        }
    }
    const std::string& start() const { return start_; }

  private:
    static ssize_t read(void* handle, void* buffer, size_t size) {
        auto* self = static_cast<CallbackData*>(handle);
        try {
            return static_cast<ssize_t>((*self->source_)(static_cast<char*>(buffer), size));
        } catch (...) {
            self->error_ = std::current_exception();
            errno = EIO;
            return -1;
        }
    }
    static ssize_t write(void* handle, const void* buffer, size_t size) {
        auto* self = static_cast<CallbackData*>(handle);
        try {
            const std::string_view piece(static_cast<const char*>(buffer), size);
            if (self->start_.size() < 64) {
                self->start_.append(piece.substr(0, 64 - self->start_.size()));
            }
            (*self->sink_)(piece);
            return static_cast<ssize_t>(size);
        } catch (...) {
            self->error_ = std::current_exception();
            errno = EIO;
            return -1;
        }
    }

    const PlaintextSource* source_;
    const ArmorSink* sink_;
    gpgme_data_cbs callbacks_{};
    Data data_;
    std::exception_ptr error_;
    std::string start_; // the first bytes written, to check the armor
};

std::vector<gpgme_key_t> key_array_of(const std::vector<RecipientKey>& keys) {
    if (keys.empty()) {
        throw EncryptionError("no keys to encrypt to");
    }
    std::vector<gpgme_key_t> key_array;
    key_array.reserve(keys.size() + 1);
    for (const auto& key : keys) {
        key_array.push_back(key.key.get());
    }
    key_array.push_back(nullptr);
    return key_array;
}

void encrypt(const PooledContext& lease, std::vector<gpgme_key_t>& key_array,
             EncryptOptions options, gpgme_data_t plain, gpgme_data_t cipher) {
    gpgme_ctx_t ctx = lease.get();
    unsigned flags = GPGME_ENCRYPT_ALWAYS_TRUST | GPGME_ENCRYPT_NO_ENCRYPT_TO;
    if (options.hide_recipients) {
        flags |= GPGME_ENCRYPT_THROW_KEYIDS;
    }
    const gpgme_error_t err = gpgme_op_encrypt(
        ctx, key_array.data(), static_cast<gpgme_encrypt_flags_t>(flags), plain, cipher);
    if (err != GPG_ERR_NO_ERROR) {
        std::string detail = describe_error("encryption failed", err);
        if (gpgme_encrypt_result_t result = gpgme_op_encrypt_result(ctx)) {
            for (auto invalid = result->invalid_recipients; invalid != nullptr;
                 invalid = invalid->next) {
                detail += std::string("; key ") + (invalid->fpr ? invalid->fpr : "?") + " " +
                          gpgme_strerror(invalid->reason);
            }
        }
        throw EncryptionError(lease.explain(detail));
    }
    if (gpgme_encrypt_result_t result = gpgme_op_encrypt_result(ctx);
        result != nullptr && result->invalid_recipients != nullptr) {
        throw EncryptionError("GPGME rejected a recipient key");
    }
}

constexpr std::string_view kArmorStart = "-----BEGIN PGP MESSAGE-----";

// GPGME reports success when gpg ends early without a word (killed, or a
// broken install): only the missing output shows it.
[[noreturn]] void throw_no_armor(const PooledContext& lease) {
    throw EncryptionError(lease.explain("GnuPG engine " + engine_program() +
                                        " returned no ASCII-armored message (gpg failed or "
                                        "was killed)"));
}

} // namespace

std::string encrypt_armored(const std::string& gnupg_home, std::string_view plaintext,
                            const std::vector<RecipientKey>& keys, EncryptOptions options) {
    auto key_array = key_array_of(keys);
    PooledContext ctx = make_context(gnupg_home);
    gpgme_set_armor(ctx.get(), 1);
    Data plain = data_from(plaintext);
    Data cipher = new_memory_data();
    encrypt(ctx, key_array, options, plain.get(), cipher.get());
    std::string armored = take_contents(cipher.release());
    if (armored.find(kArmorStart) == std::string::npos) {
        throw_no_armor(ctx);
    }
    return armored;
}

void encrypt_armored_stream(const std::string& gnupg_home, const PlaintextSource& source,
                            const std::vector<RecipientKey>& keys, EncryptOptions options,
                            const ArmorSink& sink) {
    auto key_array = key_array_of(keys);
    PooledContext ctx = make_context(gnupg_home);
    gpgme_set_armor(ctx.get(), 1);
    CallbackData plain(&source, nullptr);
    CallbackData cipher(nullptr, &sink);
    try {
        encrypt(ctx, key_array, options, plain.get(), cipher.get());
    } catch (const EncryptionError&) {
        plain.rethrow(); // the source's own error says more than GPGME's
        cipher.rethrow();
        throw;
    }
    plain.rethrow();
    cipher.rethrow();
    if (cipher.start().find(kArmorStart) == std::string::npos) {
        throw_no_armor(ctx);
    }
}

} // namespace mailveil::pgp
