// Validation for constrained types (strings with length limits, maps with size limits).

use std::fmt;

/// A value broke a limit from the API description (`minLength`, `maxLength`, `maxProperties`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstraintViolation {
    type_name: &'static str,
    message: String,
}

impl ConstraintViolation {
    /// The Rust type whose limit was broken.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// What was wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConstraintViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.type_name, self.message)
    }
}

impl std::error::Error for ConstraintViolation {}

/// Checks that `value` has between `min` and `max` characters (Unicode scalar values, as JSON Schema counts).
pub fn check_length(
    type_name: &'static str,
    what: &str,
    value: &str,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<(), ConstraintViolation> {
    let length = value.chars().count() as u64;
    check_bounds(type_name, what, "characters", length, min, max)
}

/// Checks that a map has between `min` and `max` entries.
pub fn check_count(
    type_name: &'static str,
    count: usize,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<(), ConstraintViolation> {
    check_bounds(type_name, "the map", "entries", count as u64, min, max)
}

fn check_bounds(
    type_name: &'static str,
    what: &str,
    unit: &str,
    actual: u64,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<(), ConstraintViolation> {
    let message = match (min, max) {
        (Some(min), _) if actual < min => format!("{what} has {actual} {unit}, fewer than the minimum of {min}"),
        (_, Some(max)) if actual > max => format!("{what} has {actual} {unit}, more than the maximum of {max}"),
        _ => return Ok(()),
    };
    Err(ConstraintViolation { type_name, message })
}
