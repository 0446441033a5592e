//! The error every layer raises. Query errors need a class, a detail code and
//! a phase (the openCypher TCK and the Neo4j status codes are built from them)
//! plus, where one exists, a byte position in the query text.

use std::fmt;

/// The class of an error, as the openCypher TCK and Neo4j name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    SyntaxError,
    SemanticError,
    TypeError,
    ArgumentError,
    ArithmeticError,
    EntityNotFound,
    ConstraintVerificationFailed,
    ParameterMissing,
    ProcedureError,
    /// The transaction or the store refused (e.g. a write while another writer holds the lock).
    TransactionError,
    /// Reading or writing files.
    IoError,
    /// A bug: an invariant of ours does not hold. Never caused by user input alone.
    Internal,
}

impl ErrorClass {
    pub fn name(self) -> &'static str {
        match self {
            ErrorClass::SyntaxError => "SyntaxError",
            ErrorClass::SemanticError => "SemanticError",
            ErrorClass::TypeError => "TypeError",
            ErrorClass::ArgumentError => "ArgumentError",
            ErrorClass::ArithmeticError => "ArithmeticError",
            ErrorClass::EntityNotFound => "EntityNotFound",
            ErrorClass::ConstraintVerificationFailed => "ConstraintVerificationFailed",
            ErrorClass::ParameterMissing => "ParameterMissing",
            ErrorClass::ProcedureError => "ProcedureError",
            ErrorClass::TransactionError => "TransactionError",
            ErrorClass::IoError => "IoError",
            ErrorClass::Internal => "InternalError",
        }
    }
}

/// When the error was detected: before any data was touched, or while running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    Compile,
    Runtime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub class: ErrorClass,
    /// A stable code for the specific problem, e.g. `UndefinedVariable`.
    pub detail: &'static str,
    pub message: String,
    pub phase: Phase,
    /// Byte offset in the query text.
    pub pos: Option<usize>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(class: ErrorClass, detail: &'static str, phase: Phase, message: impl Into<String>) -> Self {
        Error { class, detail, message: message.into(), phase, pos: None }
    }

    pub fn syntax(detail: &'static str, message: impl Into<String>, pos: usize) -> Self {
        Error::new(ErrorClass::SyntaxError, detail, Phase::Compile, message).at(pos)
    }

    /// Compile-time errors found by analysis. The openCypher TCK files these
    /// under SyntaxError (e.g. `UndefinedVariable`), and so do we.
    pub fn semantic(detail: &'static str, message: impl Into<String>) -> Self {
        Error::new(ErrorClass::SyntaxError, detail, Phase::Compile, message)
    }

    pub fn type_error(detail: &'static str, message: impl Into<String>) -> Self {
        Error::new(ErrorClass::TypeError, detail, Phase::Runtime, message)
    }

    pub fn argument(detail: &'static str, message: impl Into<String>) -> Self {
        Error::new(ErrorClass::ArgumentError, detail, Phase::Runtime, message)
    }

    /// A problem with files: unreadable, corrupt, or refused by the OS.
    pub fn io(detail: &'static str, message: impl Into<String>) -> Self {
        Error::new(ErrorClass::IoError, detail, Phase::Runtime, message)
    }

    /// An OS error while doing `what` to `path`.
    pub fn os(what: &str, path: &std::path::Path, e: std::io::Error) -> Self {
        Error::io("IoFailed", format!("cannot {what} {}: {e}", path.display()))
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(ErrorClass::Internal, "Internal", Phase::Runtime, message)
    }

    /// Attach a position unless one is already known (the innermost wins).
    pub fn at(mut self, pos: usize) -> Self {
        self.pos.get_or_insert(pos);
        self
    }

    pub fn in_phase(mut self, phase: Phase) -> Self {
        self.phase = phase;
        self
    }

    /// The `Neo.ClientError...`-style code, `Class.Detail`.
    pub fn code(&self) -> String {
        format!("{}.{}", self.class.name(), self.detail)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.class.name(), self.detail, self.message)?;
        if let Some(pos) = self.pos {
            write!(f, " at offset {pos}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
