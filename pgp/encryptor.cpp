#include "pgp/encryptor.h"

#include "core/errors.h"
#include "pgp/gpgme_runtime.h"

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

} // namespace

std::string encrypt_armored(const std::string& gnupg_home, std::string_view plaintext,
                            const std::vector<RecipientKey>& keys, EncryptOptions options) {
    if (keys.empty()) {
        throw EncryptionError("no keys to encrypt to");
    }
    Context ctx = make_context(gnupg_home);
    gpgme_set_armor(ctx.get(), 1);

    std::vector<gpgme_key_t> key_array;
    key_array.reserve(keys.size() + 1);
    for (const auto& key : keys) {
        key_array.push_back(key.key.get());
    }
    key_array.push_back(nullptr);

    Data plain = data_from(plaintext);
    Data cipher = new_memory_data();
    unsigned flags = GPGME_ENCRYPT_ALWAYS_TRUST | GPGME_ENCRYPT_NO_ENCRYPT_TO;
    if (options.hide_recipients) {
        flags |= GPGME_ENCRYPT_THROW_KEYIDS;
    }
    const gpgme_error_t err =
        gpgme_op_encrypt(ctx.get(), key_array.data(), static_cast<gpgme_encrypt_flags_t>(flags),
                         plain.get(), cipher.get());
    if (err != GPG_ERR_NO_ERROR) {
        std::string detail = describe_error("encryption failed", err);
        if (gpgme_encrypt_result_t result = gpgme_op_encrypt_result(ctx.get())) {
            for (auto invalid = result->invalid_recipients; invalid != nullptr;
                 invalid = invalid->next) {
                detail += std::string("; key ") + (invalid->fpr ? invalid->fpr : "?") + " " +
                          gpgme_strerror(invalid->reason);
            }
        }
        throw EncryptionError(detail);
    }
    if (gpgme_encrypt_result_t result = gpgme_op_encrypt_result(ctx.get());
        result != nullptr && result->invalid_recipients != nullptr) {
        throw EncryptionError("GPGME rejected a recipient key");
    }
    std::string armored = take_contents(cipher.release());
    if (armored.find("-----BEGIN PGP MESSAGE-----") == std::string::npos) {
        throw EncryptionError("GPGME returned no ASCII-armored message");
    }
    return armored;
}

} // namespace mailveil::pgp
