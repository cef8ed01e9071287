// smtp_reply.cpp - the SMTP reply parser; see smtp_reply.h.
#include "tlscheck/smtp_reply.h"

namespace tlscheck {

std::string SmtpReply::summary() const {
    std::string out = std::to_string(code);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        out += i == 0 ? " " : " / ";
        out += lines[i];
    }
    return out;
}

void SmtpReplyParser::feed(std::string_view bytes) {
    buffer_.append(bytes);
    std::size_t start = 0;
    for (;;) {
        std::size_t lf = buffer_.find('\n', start);
        if (lf == std::string::npos)
            break;
        std::string_view line(buffer_.data() + start, lf - start);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        else
            ++bare_lf_lines_;
        if (line.size() > max_line_length)
            throw SmtpProtocolError("reply line longer than " + std::to_string(max_line_length) +
                                    " bytes");
        parse_line(line);
        start = lf + 1;
    }
    buffer_.erase(0, start);
    if (buffer_.size() > max_line_length)
        throw SmtpProtocolError("reply line longer than " + std::to_string(max_line_length) +
                                " bytes");
}

void SmtpReplyParser::parse_line(std::string_view line) {
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (line.size() < 3 || !digit(line[0]) || !digit(line[1]) || !digit(line[2]) || line[0] < '2' ||
        line[0] > '5')
        throw SmtpProtocolError("not an SMTP reply line: \"" + std::string(line.substr(0, 60)) +
                                "\"");
    int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    bool last = true;
    std::string_view text;
    if (line.size() > 3) {
        if (line[3] == '-')
            last = false;
        else if (line[3] != ' ')
            throw SmtpProtocolError("bad separator after reply code in \"" +
                                    std::string(line.substr(0, 60)) + "\"");
        text = line.substr(4);
    }
    if (!partial_.lines.empty() && partial_.code != code)
        throw SmtpProtocolError("reply code changes inside a multi-line reply (" +
                                std::to_string(partial_.code) + " then " + std::to_string(code) +
                                ")");
    if (partial_.lines.size() >= max_lines)
        throw SmtpProtocolError("reply with more than " + std::to_string(max_lines) + " lines");
    partial_.code = code;
    partial_.lines.emplace_back(text);
    partial_bytes_ += line.size() + 2;
    if (last) {
        complete_.push_back(std::move(partial_));
        partial_ = SmtpReply{};
        partial_bytes_ = 0;
    }
}

std::optional<SmtpReply> SmtpReplyParser::next() {
    if (complete_.empty())
        return std::nullopt;
    SmtpReply r = std::move(complete_.front());
    complete_.pop_front();
    return r;
}

} // namespace tlscheck
