// smtp_client.cpp - SMTP dialogue over a Channel; see smtp_client.h.
#include "tlscheck/smtp_client.h"

#include <algorithm>
#include <cctype>

namespace tlscheck {
namespace {

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

std::string keyword_of(const std::string& ext) {
    return ext.substr(0, ext.find(' '));
}

} // namespace

bool EhloResult::has(const std::string& keyword) const {
    std::string k = upper(keyword);
    return std::any_of(extensions.begin(), extensions.end(),
                       [&](const std::string& e) { return keyword_of(e) == k; });
}

std::string EhloResult::params(const std::string& keyword) const {
    std::string k = upper(keyword);
    for (const auto& e : extensions)
        if (keyword_of(e) == k)
            return e.size() > k.size() ? e.substr(k.size() + 1) : std::string();
    return {};
}

SmtpReply SmtpClient::read_reply() {
    for (;;) {
        if (auto reply = parser_.next()) {
            for (std::size_t i = 0; i < reply->lines.size(); ++i)
                transcript_.push_back("S: " + std::to_string(reply->code) +
                                      (i + 1 < reply->lines.size() ? "-" : " ") + reply->lines[i]);
            return *reply;
        }
        char buf[4096];
        std::size_t n = channel_->read_some(buf, sizeof buf, timeout_);
        if (n == 0)
            throw SmtpDropped(
                "server closed the connection" +
                std::string(parser_.pending_bytes() ? " in the middle of a reply" : ""));
        parser_.feed(std::string_view(buf, n));
    }
}

SmtpReply SmtpClient::command(const std::string& line) {
    transcript_.push_back("C: " + line);
    channel_->write_all(line + "\r\n", timeout_);
    return read_reply();
}

EhloResult SmtpClient::ehlo(const std::string& name) {
    EhloResult r;
    r.reply = command("EHLO " + name);
    for (std::size_t i = 1; i < r.reply.lines.size(); ++i) {
        std::string ext = r.reply.lines[i];
        std::size_t sp = ext.find(' ');
        r.extensions.push_back(upper(ext.substr(0, sp)) +
                               (sp == std::string::npos ? "" : ext.substr(sp)));
    }
    return r;
}

std::size_t SmtpClient::switch_channel(Channel& channel) {
    std::size_t leftover = parser_.pending_bytes();
    while (parser_.next()) {
        ++leftover; // a whole pipelined reply counts too
    }
    parser_ = SmtpReplyParser{};
    channel_ = &channel;
    return leftover;
}

} // namespace tlscheck
