#include "helpers/engine_run.h"

#include "core/rewrite.h"
#include "helpers/test_env.h"
#include "mime/parsed_message.h"

#include <stdexcept>

namespace mailveil::test {

core::Engine test_engine(bool protect_headers) {
    core::EngineSettings settings{keyring_dir()};
    settings.protect_headers = protect_headers;
    return core::Engine(std::move(settings));
}

EncryptedRun encrypt_with_engine(const std::string& message,
                                 const std::vector<std::string>& recipients,
                                 bool protect_headers) {
    const auto parsed = mime::ParsedMessage::parse(message);
    EncryptedRun run;
    run.outcome = test_engine(protect_headers).process(parsed, recipients);
    if (run.outcome.decision.verdict != core::Verdict::Encrypted || !run.outcome.rewrite) {
        throw std::runtime_error("engine did not encrypt: " + core::describe(run.outcome.decision));
    }
    run.output = core::apply_rewrite(parsed, *run.outcome.rewrite);
    run.seen = read_as_client(run.output);
    if (run.seen.parts.size() < 2) {
        throw std::runtime_error("output has no second MIME part to decrypt");
    }
    run.decrypted = decrypt(keyring_dir(), run.seen.parts[1].content);
    return run;
}

} // namespace mailveil::test
