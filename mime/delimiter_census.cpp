#include "mime/delimiter_census.h"

#include "core/errors.h"

#include <algorithm>
#include <string>
#include <unordered_set>

namespace mailveil::mime {
namespace {

std::size_t next_of(std::string_view chunk, char c, std::size_t from) {
    const auto at = chunk.find(c, from);
    return at == std::string_view::npos ? chunk.size() : at;
}

constexpr std::size_t kMaxBoundaries = 1000;
constexpr std::size_t kMaxBoundaryLength = 100; // RFC 2046 allows 70

// Pass one: the values of every "boundary" parameter anywhere in the message,
// read byte by byte so a chunk border or a long line changes nothing.
class BoundaryCollector {
  public:
    // Outside a parameter only a 'b' can start one: jump from one to the next.
    void feed(std::string_view chunk) {
        std::size_t lower = next_of(chunk, 'b', 0);
        std::size_t upper = next_of(chunk, 'B', 0);
        std::size_t i = 0;
        while (i < chunk.size()) {
            if (state_ == State::Name && matched_ == 0) {
                lower = lower < i ? next_of(chunk, 'b', i) : lower;
                upper = upper < i ? next_of(chunk, 'B', i) : upper;
                i = std::min(lower, upper);
                if (i == chunk.size()) {
                    return;
                }
            }
            step(chunk[i++]);
        }
    }

    // True when a boundary was written in a form this collector does not read.
    bool unreadable() const { return unreadable_ || boundaries_.size() > kMaxBoundaries; }
    const std::unordered_set<std::string>& boundaries() const { return boundaries_; }

  private:
    enum class State { Name, AfterName, Value, Quoted, Token };

    void step(char c) {
        switch (state_) {
        case State::Name:
            matched_ = ascii_lower(c) == kName[matched_] ? matched_ + 1
                                                         : (ascii_lower(c) == kName[0] ? 1 : 0);
            if (matched_ == kName.size()) {
                matched_ = 0;
                state_ = State::AfterName;
            }
            return;
        case State::AfterName:
            if (c == '*') {
                unreadable_ = true; // RFC 2231 continuations or charset
            } else if (c == '=') {
                state_ = State::Value;
            } else if (!is_space(c)) {
                restart(c);
            }
            return;
        case State::Value:
            if (c == '"') {
                state_ = State::Quoted;
            } else if (c == '(') {
                unreadable_ = true; // a comment GMime may skip
                state_ = State::Name;
            } else if (!is_space(c)) {
                state_ = State::Token;
                take(c);
            }
            return;
        case State::Quoted:
            if (c == '"' || c == '\n') {
                finish();
            } else if (c == '\\') {
                unreadable_ = true; // an escaped character GMime unquotes
                take(c);
            } else {
                take(c);
            }
            return;
        case State::Token:
            if (c == ';' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                finish();
            } else {
                take(c);
            }
            return;
        }
    }

    static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
    static char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

    void take(char c) {
        if (value_.size() == kMaxBoundaryLength) {
            unreadable_ = true;
            finish();
            return;
        }
        value_ += c;
    }

    void finish() {
        if (!value_.empty()) {
            boundaries_.insert(value_);
        }
        value_.clear();
        state_ = State::Name;
    }

    void restart(char c) {
        state_ = State::Name;
        step(c);
    }

    static constexpr std::string_view kName = "boundary";
    State state_ = State::Name;
    std::size_t matched_ = 0;
    std::string value_;
    bool unreadable_ = false;
    std::unordered_set<std::string> boundaries_;
};

// Pass two: lines starting with "--", and among them the delimiters of the
// collected boundaries ("--" boundary, optionally "--", then white space).
class DelimiterCounter {
  public:
    DelimiterCounter(const std::unordered_set<std::string>& boundaries, bool count_every_line)
        : boundaries_(boundaries), count_every_line_(count_every_line) {}

    // Past a line's first two bytes, only a delimiter candidate short enough
    // to be one is read on: any other line is skipped to its end.
    void feed(std::string_view chunk) {
        std::size_t i = 0;
        while (i < chunk.size()) {
            if ((at_line_start_ < 0 && !in_dash_line_) || (in_dash_line_ && overlong_)) {
                i = next_of(chunk, '\n', i);
                if (i == chunk.size()) {
                    return;
                }
            }
            step(chunk[i++]);
        }
    }

    void end() { end_line(); }

    std::size_t dash_lines() const { return dash_lines_; }
    std::size_t delimiter_lines() const { return delimiter_lines_; }

  private:
    void step(char c) {
        if (c == '\n') {
            end_line();
            at_line_start_ = 0;
            return;
        }
        if (at_line_start_ >= 0 && at_line_start_ < 2) {
            at_line_start_ = c == '-' ? at_line_start_ + 1 : -1;
            if (at_line_start_ == 2) {
                ++dash_lines_;
                in_dash_line_ = true;
                rest_.clear();
                overlong_ = false;
            }
            return;
        }
        if (in_dash_line_) {
            if (rest_.size() < kMaxBoundaryLength + 4) {
                rest_ += c;
            } else {
                overlong_ = true;
            }
        }
    }

    void end_line() {
        if (!in_dash_line_) {
            return;
        }
        in_dash_line_ = false;
        if (count_every_line_ || (!overlong_ && is_delimiter())) {
            ++delimiter_lines_;
        }
    }

    bool is_delimiter() {
        while (!rest_.empty() &&
               (rest_.back() == ' ' || rest_.back() == '\t' || rest_.back() == '\r')) {
            rest_.pop_back();
        }
        if (boundaries_.contains(rest_)) {
            return true;
        }
        return rest_.ends_with("--") && boundaries_.contains(rest_.substr(0, rest_.size() - 2));
    }

    const std::unordered_set<std::string>& boundaries_;
    const bool count_every_line_;
    int at_line_start_ = 0; // dashes seen at the start of this line; -1: not at a start
    bool in_dash_line_ = false;
    bool overlong_ = false;
    std::string rest_;
    std::size_t dash_lines_ = 0;
    std::size_t delimiter_lines_ = 0;
};

} // namespace

void refuse_costly_delimiters(const ChunkReader& read_message) {
    BoundaryCollector collector;
    read_message([&](std::string_view chunk) { collector.feed(chunk); });
    if (collector.boundaries().empty() && !collector.unreadable()) {
        return; // no delimiter line can match: nothing for GMime to split on
    }
    DelimiterCounter counter(collector.boundaries(), collector.unreadable());
    read_message([&](std::string_view chunk) { counter.feed(chunk); });
    counter.end();

    if (counter.delimiter_lines() > kMaxDelimiterLines) {
        throw MessageError("more than " + std::to_string(kMaxDelimiterLines) +
                           " MIME delimiter lines: too many possible parts to parse safely");
    }
    if (counter.delimiter_lines() * counter.dash_lines() > kMaxDelimiterComparisons) {
        throw MessageError(std::to_string(counter.delimiter_lines()) +
                           " MIME delimiter lines and " + std::to_string(counter.dash_lines()) +
                           " lines starting with \"--\": too costly to parse safely");
    }
}

} // namespace mailveil::mime
