#include "helpers/gpg_tools.h"

#include <stdexcept>

namespace mailveil::test {
namespace {

void check(gpgme_error_t err, const std::string& what) {
    if (err != GPG_ERR_NO_ERROR) {
        throw std::runtime_error(what + ": " + gpgme_strerror(err));
    }
}

pgp::Context context(const std::string& gnupg_home) {
    gpgme_check_version(nullptr);
    gpgme_ctx_t raw = nullptr;
    check(gpgme_new(&raw), "gpgme_new");
    pgp::Context ctx(raw);
    check(gpgme_ctx_set_engine_info(ctx.get(), GPGME_PROTOCOL_OpenPGP, nullptr, gnupg_home.c_str()),
          "gpgme_ctx_set_engine_info");
    check(gpgme_set_pinentry_mode(ctx.get(), GPGME_PINENTRY_MODE_LOOPBACK),
          "gpgme_set_pinentry_mode");
    return ctx;
}

} // namespace

Decryption decrypt(const std::string& gnupg_home, std::string_view armored) {
    pgp::Context ctx = context(gnupg_home);
    gpgme_data_t raw_in = nullptr;
    check(gpgme_data_new_from_mem(&raw_in, armored.data(), armored.size(), 1),
          "gpgme_data_new_from_mem");
    pgp::Data in(raw_in);
    gpgme_data_t raw_out = nullptr;
    check(gpgme_data_new(&raw_out), "gpgme_data_new");
    pgp::Data out(raw_out);

    check(gpgme_op_decrypt(ctx.get(), in.get(), out.get()), "decryption");

    Decryption result;
    if (gpgme_decrypt_result_t info = gpgme_op_decrypt_result(ctx.get())) {
        for (auto recipient = info->recipients; recipient != nullptr; recipient = recipient->next) {
            result.recipient_key_ids.emplace_back(recipient->keyid);
        }
    }
    std::size_t length = 0;
    char* buffer = gpgme_data_release_and_get_mem(out.release(), &length);
    result.plaintext.assign(buffer != nullptr ? buffer : "", length);
    gpgme_free(buffer);
    return result;
}

pgp::Key list_key(const std::string& gnupg_home, const std::string& fingerprint) {
    pgp::Context ctx = context(gnupg_home);
    gpgme_key_t raw = nullptr;
    check(gpgme_get_key(ctx.get(), fingerprint.c_str(), &raw, 0), "gpgme_get_key " + fingerprint);
    return pgp::Key::adopt(raw);
}

std::vector<std::string> encryption_subkey_ids(const std::string& gnupg_home,
                                               const std::string& fingerprint) {
    const pgp::Key key = list_key(gnupg_home, fingerprint);
    std::vector<std::string> ids;
    for (gpgme_subkey_t subkey = key.get()->subkeys; subkey != nullptr; subkey = subkey->next) {
        if (subkey->can_encrypt) {
            ids.emplace_back(subkey->keyid);
        }
    }
    return ids;
}

} // namespace mailveil::test
