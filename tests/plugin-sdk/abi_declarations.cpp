#include "abi_declarations.hpp"

#include <cctype>
#include <stdexcept>

namespace txform::abi_guard {
namespace {

bool identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// The length of the multi-character punctuator `text` starts with ("||", "->", ...), else 1.
size_t punctuator_length(std::string_view text) {
  for (std::string_view p :
       {"...", "<<=", ">>=", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=",
        "&&",  "||",  "*=",  "/=", "%=", "+=", "-=", "&=", "^=", "|=", "##", "::"}) {
    if (text.substr(0, p.size()) == p) return p.size();
  }
  return 1;
}

// The line number of `at` in `text`, for error messages.
size_t line_of(std::string_view text, size_t at) {
  size_t line = 1;
  for (size_t i = 0; i < at && i < text.size(); ++i)
    line += text[i] == '\n' ? 1 : 0;
  return line;
}

}  // namespace

std::string declarations(std::string_view text) {
  std::string out;
  bool in_directive = false;      // inside a #... line
  bool line_start = true;         // nothing but whitespace since the last newline
  size_t directive_tokens = 0;    // tokens so far in the current directive
  bool define_directive = false;  // the directive is a #define
  auto separate = [&] {
    if (!out.empty() && out.back() != '\n') out += ' ';
  };
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      const size_t end = text.find("*/", i + 2);
      if (end == std::string_view::npos) {
        throw std::invalid_argument("unterminated /* comment at line " +
                                    std::to_string(line_of(text, i)));
      }
      i = end + 2;
      continue;
    }
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      i = text.find('\n', i);
      if (i == std::string_view::npos) i = text.size();
      continue;
    }
    if (c == '\\' && i + 1 < text.size() && text[i + 1] == '\n') {  // a continued line
      i += 2;
      continue;
    }
    if (c == '\n') {
      if (in_directive) out += '\n';
      in_directive = false;
      line_start = true;
      ++i;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      ++i;
      continue;
    }
    if (line_start && c == '#') {
      if (!out.empty() && out.back() != '\n') out += '\n';
      in_directive = true;
      directive_tokens = 0;
      define_directive = false;
    }
    line_start = false;
    // One token: an identifier or number, a string or character literal, or one punctuator.
    size_t end = i + 1;
    if (identifier_char(c)) {
      while (end < text.size() && identifier_char(text[end]))
        ++end;
    } else if (const size_t length = punctuator_length(text.substr(i)); length > 1) {
      end = i + length;
    } else if (c == '"' || c == '\'') {
      while (end < text.size() && text[end] != c && text[end] != '\n')
        end += text[end] == '\\' ? 2 : 1;
      if (end >= text.size() || text[end] != c) {
        throw std::invalid_argument("unterminated literal at line " +
                                    std::to_string(line_of(text, i)));
      }
      ++end;
    }
    const std::string_view token = text.substr(i, end - i);
    // `#define NAME(` with no space is a function-like macro: keep the '(' glued to NAME.
    // `#define` and `# define` are the same directive: its name follows '#' without a space.
    const bool glued =
        in_directive && (directive_tokens == 1 || (define_directive && directive_tokens == 3 &&
                                                   c == '(' && identifier_char(text[i - 1])));
    if (!glued) separate();
    out += token;
    if (in_directive) {
      ++directive_tokens;
      if (directive_tokens == 2 && token == "define") define_directive = true;
    }
    i = end;
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace txform::abi_guard
