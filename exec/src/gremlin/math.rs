//! The expression language of `math()` (exp4j's): numbers, variables (`_` is the
//! current object, others are labels), `+ - * / % ^`, unary minus and the usual functions.

#[derive(Debug, Clone)]
pub enum MathExpr {
    Num(f64),
    Var(String),
    Neg(Box<MathExpr>),
    Bin(char, Box<MathExpr>, Box<MathExpr>),
    Call(String, Box<MathExpr>),
}

pub fn parse(text: &str) -> Result<MathExpr, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut p = Parser { chars, pos: 0 };
    let e = p.expr(0)?;
    p.skip_ws();
    if p.pos < p.chars.len() {
        return Err(format!("unexpected '{}' at {}", p.chars[p.pos], p.pos));
    }
    Ok(e)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

fn precedence(op: char) -> Option<(u8, bool)> {
    // (binding power, right associative)
    match op {
        '+' | '-' => Some((1, false)),
        '*' | '/' | '%' => Some((2, false)),
        '^' => Some((4, true)),
        _ => None,
    }
}

impl Parser {
    fn skip_ws(&mut self) {
        while self.pos < self.chars.len() && self.chars[self.pos].is_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_ws();
        self.chars.get(self.pos).copied()
    }

    fn expr(&mut self, min: u8) -> Result<MathExpr, String> {
        let mut left = self.unary()?;
        while let Some(op) = self.peek() {
            let Some((prec, right)) = precedence(op) else { break };
            if prec < min {
                break;
            }
            self.pos += 1;
            let rhs = self.expr(if right { prec } else { prec + 1 })?;
            left = MathExpr::Bin(op, Box::new(left), Box::new(rhs));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<MathExpr, String> {
        match self.peek() {
            Some('-') => {
                self.pos += 1;
                // Unary minus binds looser than ^ (exp4j: -2^2 = -4).
                Ok(MathExpr::Neg(Box::new(self.expr(3)?)))
            }
            Some('+') => {
                self.pos += 1;
                self.unary()
            }
            _ => self.atom(),
        }
    }

    fn atom(&mut self) -> Result<MathExpr, String> {
        let Some(c) = self.peek() else { return Err("unexpected end of expression".into()) };
        if c == '(' {
            self.pos += 1;
            let e = self.expr(0)?;
            if self.peek() != Some(')') {
                return Err("missing ')'".into());
            }
            self.pos += 1;
            return Ok(e);
        }
        if c.is_ascii_digit() || c == '.' {
            let start = self.pos;
            while self.pos < self.chars.len() && (self.chars[self.pos].is_ascii_digit() || self.chars[self.pos] == '.')
            {
                self.pos += 1;
            }
            let text: String = self.chars[start..self.pos].iter().collect();
            return text.parse().map(MathExpr::Num).map_err(|_| format!("bad number {text}"));
        }
        if c.is_alphabetic() || c == '_' {
            let start = self.pos;
            while self.pos < self.chars.len() && (self.chars[self.pos].is_alphanumeric() || self.chars[self.pos] == '_')
            {
                self.pos += 1;
            }
            let name: String = self.chars[start..self.pos].iter().collect();
            if is_function(&name) && self.peek() != Some('(') {
                // `sin _`: a function applied to the operand after it.
                return Ok(MathExpr::Call(name, Box::new(self.atom()?)));
            }
            if self.peek() == Some('(') && is_function(&name) {
                self.pos += 1;
                let arg = self.expr(0)?;
                if self.peek() != Some(')') {
                    return Err("missing ')'".into());
                }
                self.pos += 1;
                return Ok(MathExpr::Call(name, Box::new(arg)));
            }
            return Ok(match name.as_str() {
                "pi" => MathExpr::Num(std::f64::consts::PI),
                "e" => MathExpr::Num(std::f64::consts::E),
                _ => MathExpr::Var(name),
            });
        }
        Err(format!("unexpected '{c}'"))
    }
}

fn is_function(name: &str) -> bool {
    matches!(
        name,
        "abs"
            | "acos"
            | "asin"
            | "atan"
            | "cbrt"
            | "ceil"
            | "cos"
            | "cosh"
            | "exp"
            | "floor"
            | "log"
            | "log10"
            | "log2"
            | "signum"
            | "sin"
            | "sinh"
            | "sqrt"
            | "tan"
            | "tanh"
    )
}

impl MathExpr {
    /// Variable names in order of first use.
    pub fn variables(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect(&self, out: &mut Vec<String>) {
        match self {
            MathExpr::Var(v) if !out.contains(v) => out.push(v.clone()),
            MathExpr::Neg(e) | MathExpr::Call(_, e) => e.collect(out),
            MathExpr::Bin(_, a, b) => {
                a.collect(out);
                b.collect(out);
            }
            _ => {}
        }
    }

    pub fn eval(&self, vars: &[(String, f64)]) -> Result<f64, String> {
        Ok(match self {
            MathExpr::Num(n) => *n,
            MathExpr::Var(v) => {
                vars.iter().find(|(n, _)| n == v).map(|(_, x)| *x).ok_or(format!("unknown variable {v}"))?
            }
            MathExpr::Neg(e) => -e.eval(vars)?,
            MathExpr::Bin(op, a, b) => {
                let (x, y) = (a.eval(vars)?, b.eval(vars)?);
                match op {
                    '+' => x + y,
                    '-' => x - y,
                    '*' => x * y,
                    '/' if y == 0.0 => return Err("division by zero".into()),
                    '/' => x / y,
                    '%' => x % y,
                    _ => x.powf(y),
                }
            }
            MathExpr::Call(f, e) => {
                let x = e.eval(vars)?;
                match f.as_str() {
                    "abs" => x.abs(),
                    "acos" => x.acos(),
                    "asin" => x.asin(),
                    "atan" => x.atan(),
                    "cbrt" => x.cbrt(),
                    "ceil" => x.ceil(),
                    "cos" => x.cos(),
                    "cosh" => x.cosh(),
                    "exp" => x.exp(),
                    "floor" => x.floor(),
                    "log" => x.ln(),
                    "log10" => x.log10(),
                    "log2" => x.log2(),
                    "signum" => x.signum(),
                    "sin" => x.sin(),
                    "sinh" => x.sinh(),
                    "sqrt" => x.sqrt(),
                    "tan" => x.tan(),
                    _ => x.tanh(),
                }
            }
        })
    }
}
