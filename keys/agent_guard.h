// agent_guard.h - leave no gpg-agent behind that this run started.
//
// GnuPG 2.2 starts a gpg-agent for the home even for a public-key import or
// delete (it asks the agent about secret keys), and GPGME offers no way to
// pass --no-autostart. An agent left running would keep the keyring busy
// after the tool is gone, so AgentGuard notes whether an agent already served
// the home (gpg-connect-agent --no-autostart) and, when it ends, stops the
// home's daemons (gpgconf --kill all) only if none did before: an agent the
// admin or the daemon runs there is left alone.
//
// Needs ensure_gpgme_initialized() first (it asks GPGME where GnuPG is).
// Failure: never throws; a failed kill leaves the agent running, no more.
#pragma once

#include <string>

namespace mailveil::keys {

class AgentGuard {
  public:
    explicit AgentGuard(std::string gnupg_home);
    ~AgentGuard();
    AgentGuard(const AgentGuard&) = delete;
    AgentGuard& operator=(const AgentGuard&) = delete;

  private:
    std::string home_;
    bool agent_was_running_;
};

// Whether a gpg-agent answers for this home now (starts none).
bool agent_running(const std::string& gnupg_home);

} // namespace mailveil::keys
