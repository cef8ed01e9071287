// golden.cpp - golden tests: whole mails under tests/data/html against the
// expected text beside them; also a preview tool for writing new cases.
//
//   html-golden CASE_DIR NAME   convert NAME.html (charset from NAME.charset,
//                               width 72) and compare with NAME.txt, and with
//                               NAME.flowed.txt when that file exists
//   html-golden --print FILE [CHARSET] [--flowed]
//
// Exit 0 when the output matches, 1 with a unified-style diff when it does not.
#include "html/html_to_text.h"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string read_file(const std::string& path, bool required = true) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (required)
            throw std::runtime_error("cannot read " + path);
        return {};
    }
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool exists(const std::string& path) {
    return std::ifstream(path).good();
}

std::vector<std::string> split_lines(const std::string& s) {
    std::vector<std::string> lines;
    std::istringstream in(s);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

bool compare(const std::string& what, const std::string& expected, const std::string& actual) {
    if (expected == actual)
        return true;
    std::cout << what << ": output differs (- expected, + actual)\n";
    const auto e = split_lines(expected), a = split_lines(actual);
    std::size_t i = 0;
    while (i < e.size() && i < a.size() && e[i] == a[i])
        ++i;
    std::cout << "first difference at line " << i + 1 << "\n";
    for (std::size_t k = i; k < std::min(e.size(), i + 8); ++k)
        std::cout << "-" << e[k] << "\n";
    for (std::size_t k = i; k < std::min(a.size(), i + 8); ++k)
        std::cout << "+" << a[k] << "\n";
    return false;
}

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r'))
        s.pop_back();
    return s;
}

} // namespace

int main(int argc, char** argv) {
    using namespace mailveil::html;
    try {
        const std::vector<std::string> args(argv + 1, argv + argc);
        if (args.size() >= 2 && args[0] == "--print") {
            Options options;
            std::string charset;
            for (std::size_t i = 2; i < args.size(); ++i) {
                if (args[i] == "--flowed")
                    options.flowed = true;
                else
                    charset = args[i];
            }
            std::cout << to_text(read_file(args[1]), charset, options);
            return 0;
        }
        if (args.size() != 2) {
            std::cerr << "usage: html-golden CASE_DIR NAME | --print FILE [CHARSET] [--flowed]\n";
            return 2;
        }
        const std::string base = args[0] + "/" + args[1];
        const std::string html = read_file(base + ".html");
        const std::string charset = trim(read_file(base + ".charset", false));
        bool ok = compare(base + ".txt", read_file(base + ".txt"), to_text(html, charset));
        if (exists(base + ".flowed.txt")) {
            Options flowed;
            flowed.flowed = true;
            ok = compare(base + ".flowed.txt", read_file(base + ".flowed.txt"),
                         to_text(html, charset, flowed)) &&
                 ok;
        }
        return ok ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "html-golden: " << e.what() << "\n";
        return 2;
    }
}
