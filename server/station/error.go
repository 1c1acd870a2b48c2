package station

import (
	"errors"
	"fmt"
)

// Stable machine codes carried by *Error. The HTTP layer maps each to a status in one table.
const (
	CodeInvalidParameter   = "invalid_parameter"
	CodeMissingParameter   = "missing_parameter"
	CodeDuplicateParameter = "duplicate_parameter"
	CodeOutOfRange         = "out_of_range"
	CodeNotFound           = "not_found"
	CodeInvalidImport      = "invalid_import"
	CodeUnavailable        = "unavailable"
	CodeInternal           = "internal"
	CodeVersionConflict    = "version_conflict"      // If-Match names an older version
	CodePreconditionNeeded = "precondition_required" // a write without If-Match
	CodeForbidden          = "forbidden"
	// CodeStorageUnavailable: the database could not be written (disk full, I/O error, read-only);
	// nothing was changed. Cause holds the storage's own error for the log.
	CodeStorageUnavailable = "storage_unavailable"
)

// Error is a domain error that is safe to show to the caller: Detail is written for users, Field names
// the parameter or column at fault, Row the 1-based data row of an import (0 when not about a row).
type Error struct {
	Code   string `json:"code"`
	Field  string `json:"field,omitempty"`
	Row    int    `json:"row,omitempty"`
	Detail string `json:"detail"`
	Cause  error  `json:"-"` // what went wrong underneath, for the log; never shown to the caller
}

// Unwrap returns the cause, if any.
func (e *Error) Unwrap() error { return e.Cause }

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s: %s", e.Code, e.Field, e.Detail)
	}
	return e.Code + ": " + e.Detail
}

// Errorf builds an *Error about a field.
func Errorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Detail: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, and CodeInternal otherwise.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}
