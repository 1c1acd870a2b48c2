package station

import (
	"errors"
	"fmt"
	"strings"
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
// Detail is English; In gives the text in the reader's language (messages.go is the catalogue).
type Error struct {
	Code   string `json:"code"`
	Field  string `json:"field,omitempty"`
	Row    int    `json:"row,omitempty"`
	Detail string `json:"detail"`
	Cause  error  `json:"-"` // what went wrong underneath, for the log; never shown to the caller
	zh     string // Detail in Chinese
}

// In returns a copy of e whose Detail is in lang (LangZh or LangEn), for an answer.
func (e *Error) In(lang Lang) *Error {
	c := *e
	if lang == LangZh && e.zh != "" {
		c.Detail = e.zh
	}
	return &c
}

// Unwrap returns the cause, if any.
func (e *Error) Unwrap() error { return e.Cause }

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s: %s", e.Code, e.Field, e.Detail)
	}
	return e.Code + ": " + e.Detail
}

// Errorf builds an *Error about a field. format is English and the key of its Chinese form in the
// catalogue (messages.go); a test holds every format in the code to having one. An argument may be a
// Message or Items, which are put in each language in turn.
func Errorf(code, field, format string, args ...any) *Error {
	m := Msg(format, args...)
	e := &Error{Code: code, Field: field, Detail: m.In(LangEn)}
	if _, ok := zhFormats[format]; ok {
		e.zh = m.In(LangZh)
	}
	return e
}

// Message is a catalogue text with its arguments, to be put in a language later: a part of a
// longer message (the likely cause inside a finding), or a word that is an argument.
type Message struct {
	format string
	args   []any
}

// Msg makes a Message; format is English and a catalogue key, as for Errorf.
func Msg(format string, args ...any) Message { return Message{format, args} }

// In puts the message in lang; a format the catalogue lacks stays English.
func (m Message) In(lang Lang) string {
	f := m.format
	if zh, ok := zhFormats[f]; ok && lang == LangZh {
		f = zh
	}
	args := make([]any, len(m.args))
	for i, a := range m.args {
		switch a := a.(type) {
		case Message:
			args[i] = a.In(lang)
		case Items:
			args[i] = a.in(lang, "；", "; ")
		case Either:
			args[i] = Items(a).in(lang, " 或 ", " or ")
		default:
			args[i] = a
		}
	}
	return fmt.Sprintf(f, args...)
}

// Items is a list of messages, shown with the language's list separator.
type Items []Message

// Either is a list of alternatives: "a or b".
type Either []Message

func (it Items) in(lang Lang, zhSep, enSep string) string {
	parts := make([]string, len(it))
	for i, m := range it {
		parts[i] = m.In(lang)
	}
	if lang == LangZh {
		return strings.Join(parts, zhSep)
	}
	return strings.Join(parts, enSep)
}

// RowErrorf is Errorf about a row of an import.
func RowErrorf(code string, row int, field, format string, args ...any) *Error {
	e := Errorf(code, field, format, args...)
	e.Row = row
	return e
}

// Reword replaces the error's text, keeping its code, field and row.
func (e *Error) Reword(format string, args ...any) {
	n := Errorf(e.Code, e.Field, format, args...)
	e.Detail, e.zh = n.Detail, n.zh
}

// Append adds a sentence to both texts: en formatted in English, and the catalogue's form of it.
func (e *Error) Append(format string, args ...any) {
	n := Errorf(e.Code, e.Field, format, args...)
	if e.zh == "" {
		e.zh = e.Detail
	}
	e.Detail += n.Detail
	if n.zh != "" {
		e.zh += n.zh
	} else {
		e.zh += n.Detail
	}
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, and CodeInternal otherwise.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// IsZero reports the zero Message, which says nothing.
func (m Message) IsZero() bool { return m.format == "" }
