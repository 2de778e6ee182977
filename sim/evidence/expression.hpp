#pragma once
// Arithmetic over named operands for evidence rows: numbers, names, + - * /, unary minus and
// parentheses, e.g. "(cbec_2015 - cbec_2014) / exports_2014 * 100". Division by zero gives
// NaN (the row reports the value as undefined), never an exception.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace pzsim::evidence {

class Expression {
 public:
  Expression() = default;
  // Throws std::invalid_argument("column N: ...") for a malformed expression.
  static Expression parse(std::string_view text);

  double evaluate(const std::function<double(const std::string&)>& value_of) const;
  std::vector<std::string> names() const;  // every name used, in first-use order
  bool empty() const { return nodes_.empty(); }

 private:
  struct Node {
    char op = 0;  // 'n' number, 'v' name, '+', '-', '*', '/', 'u' (unary minus)
    double number = 0.0;
    std::string name;
    int lhs = -1, rhs = -1;
  };
  double eval(int node, const std::function<double(const std::string&)>& value_of) const;
  std::vector<Node> nodes_;
  int root_ = -1;
  friend class ExpressionParser;
};

}  // namespace pzsim::evidence
