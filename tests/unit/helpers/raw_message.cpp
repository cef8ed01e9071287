#include "helpers/raw_message.h"

#include <cctype>
#include <stdexcept>

namespace mailveil::test {

RawMessage split_message(std::string_view bytes) {
    RawMessage message;
    std::size_t pos = 0;
    for (;;) {
        if (pos >= bytes.size()) {
            throw std::runtime_error("message has no empty line after its header section");
        }
        const std::size_t lf = bytes.find('\n', pos);
        if (lf == std::string_view::npos) {
            throw std::runtime_error("header line without a line end");
        }
        const std::string_view line = bytes.substr(pos, lf + 1 - pos);
        if (line == "\n" || line == "\r\n") {
            message.body = std::string(bytes.substr(lf + 1));
            return message;
        }
        if (line.front() == ' ' || line.front() == '\t') {
            if (message.fields.empty()) {
                throw std::runtime_error("continuation line before the first field");
            }
            message.fields.back().raw.append(line);
        } else {
            const std::size_t colon = line.find(':');
            if (colon == std::string_view::npos) {
                throw std::runtime_error("header line without a colon");
            }
            std::string_view name = line.substr(0, colon);
            while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) {
                name.remove_suffix(1);
            }
            message.fields.push_back({std::string(name), std::string(line)});
        }
        pos = lf + 1;
    }
}

bool names_content_field(std::string_view name) {
    constexpr std::string_view prefix = "content-";
    if (name.size() <= prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(name[i])) != prefix[i]) {
            return false;
        }
    }
    return true;
}

std::string crlf_from_lf(std::string_view text) {
    if (text.find('\r') != std::string_view::npos) {
        throw std::runtime_error("crlf_from_lf wants text with LF line ends only");
    }
    std::string out;
    for (const char c : text) {
        if (c == '\n') {
            out.push_back('\r');
        }
        out.push_back(c);
    }
    return out;
}

bool all_line_ends_crlf(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) {
            return false;
        }
    }
    return true;
}

std::string expected_entity(std::string_view message) {
    const RawMessage raw = split_message(message);
    std::string entity;
    for (const auto& field : raw.fields) {
        if (names_content_field(field.name)) {
            entity += field.raw;
        }
    }
    entity += "\n";
    entity += raw.body;
    // Normalise whatever the input used: drop CRs before LF, then add them back.
    std::string lf;
    for (std::size_t i = 0; i < entity.size(); ++i) {
        if (!(entity[i] == '\r' && i + 1 < entity.size() && entity[i + 1] == '\n')) {
            lf.push_back(entity[i]);
        }
    }
    std::string out;
    for (const char c : lf) {
        if (c == '\n') {
            out.push_back('\r');
        }
        out.push_back(c);
    }
    return out;
}

} // namespace mailveil::test
