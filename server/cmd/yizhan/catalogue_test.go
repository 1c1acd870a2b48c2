package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// catalogue maps every item of the bad-input catalogue (research/reliability.md §4) to what Yizhan
// does with that input and to the tests that prove it. A Go test is "TestName" or
// "TestName/subtest"; a JavaScript test is "scripts/e2e/<path>.mjs: <test title>". An item no test
// proves has no tests and a behaviour starting "NOT COVERED:".
var catalogue = []struct {
	item, behaviour string
	tests           []string
}{
	// A. Query parameters.
	{"A1", "lat outside -90..90 or lon outside -180..180 is refused with 400 out_of_range naming the field; the detail gives the allowed range.",
		[]string{"TestBadParameters/lat=91", "TestBadParameters/lon=-181"}},
	{"A2", "Only plain decimals are read: NaN, Inf, hex floats and exponents (0x1p-2, 4.18e1, 1e12) are refused with 400 invalid_parameter, never passed to strconv.ParseFloat's extras; no query answers 5xx.",
		[]string{"TestBadParameters/lat=NaN", "FuzzQuery"}},
	{"A3", "Full-width digits (４１．８) and decimal commas (41,8) are refused with 400 invalid_parameter, not normalised, and 41,8 is never read as 41.",
		[]string{"TestBadParameters/lat=41,8"}},
	{"A4", "A missing or empty lat/lon is 400 missing_parameter; any repeated parameter is 400 duplicate_parameter naming it; the first value is never taken.",
		[]string{"TestBadParameters/lat=41.8&lat=41.9"}},
	{"A5", "lat=123.43&lon=41.80 is 400 out_of_range on lat, and the detail says the two look swapped and gives the corrected query.",
		[]string{"TestSwappedCoordinatesHint", "TestBadParameters/lat=123.4&lon=41.8"}},
	{"A6", "A valid point outside Liaoning (Beijing) answers 200 with only the stations within radius (50 km by default, so none) and meta.outside_service_area true.",
		[]string{"TestNearbyOutsideLiaoning"}},
	{"A7", "limit must be a whole number 1-100 and radius 1-300000 m: abc, 2.5 or 1e12 is 400 invalid_parameter, 0, -3, 101 or 300001 is 400 out_of_range stating the range; nothing is clamped.",
		[]string{"TestBadParameters/limit=0", "TestBadParameters/radius=1e12"}},
	{"A8", "kinds, amenities, crs, open and at are checked against their vocabularies (400 invalid_parameter); a raw ';' or a bad %-escape in any pair is 400 invalid_parameter naming it; other unknown parameters such as sort are ignored. Query text never becomes SQL: reads run on the in-memory index.",
		[]string{"TestBadParameters/kinds=driver_home'", "FuzzQuery", "TestLoginBadInput/SQL_in_username"}},
	{"A9", "A bbox with min > max or not 4 numbers is 400 invalid_parameter, beyond ±180/±90 is 400 out_of_range; any valid box, all of China too, answers at most limit features (default 1000, max 5000) with meta.truncated. There is no next cursor.",
		[]string{"TestBadParameters/bbox=124,41,123,42", "TestBBox"}},
	{"A10", "A query string over 4 KB is refused with 414 uri_too_long before it is parsed; headers over 64 KB are refused by http.Server with 431; the server goes on answering.",
		[]string{"TestOversizedRequests"}},
	{"A12", "Every /api/v1 request is limited per client address (IPv4 /32, IPv6 /64) taken from the connection, X-Forwarded-For believed only from configured trusted proxies: past the burst, 429 rate_limited with Retry-After. /healthz is never limited.",
		[]string{"TestAPIRateLimitPerAddress", "TestAPIRateLimit", "TestTrustedProxy", "TestClientKeyAndPrefix"}},

	// B. Station content and output.
	{"B13", "A name like <img src=x onerror=...> is stored verbatim (there is no <> rule); JSON escapes it like encoding/json, the PWA renders station text with textContent, and the CSP allows script-src 'self' with no unsafe-*.",
		[]string{"scripts/e2e/browser/pwa.test.mjs: station data is shown as text, never as HTML", "TestJSONStringsMatchEncodingJSON", "TestMapConfigAndCSP"}},
	{"B14", "Text starting with =, +, - or @ is stored verbatim; the CSV and XLSX exports prefix it with ' (XLSX as inline strings, never formulas) and the importer removes the prefix again, so export then import changes nothing.",
		[]string{"TestCSVRoundTrip", "TestWriteXLSX", "TestRoundTripAwkwardText", "TestImportXLSX"}},
	{"B16", "There is no website or URL field at all. A phone may hold only digits, a leading +, - and spaces (5-20 digits), else 400 invalid_parameter on phone; the PWA's tel: link keeps digits and + only. An extension after 转 or ext must be 1-6 digits.",
		[]string{"TestCheckPhone", "TestEditStation", "scripts/e2e/browser/manage.test.mjs: amenities, status with a note and the phone are saved; a bad phone is shown at the field; \"still accurate\" stamps verified_at", "scripts/e2e/browser/pwa.test.mjs: station sheet: details, the week, a phone link and navigation in the right coordinates"}},

	// C. Authentication and sessions.
	{"C17", "Each wrong password is 401 unauthenticated; past the per-account burst (from any address) the next login is 429 rate_limited with Retry-After, and it refills: a delay, not a lockout. Unknown name, wrong password and disabled account get byte-identical answers; an unknown name pays a dummy Argon2id hash.",
		[]string{"TestLoginRateLimits", "TestLoginLimitRefills", "TestLoginAnswersIdentical"}},
	{"C18", "Logins are limited per account name whatever the address and per client address whatever the name; the address is the TCP peer (X-Forwarded-For and X-Real-IP ignored unless from a trusted proxy), so stuffing gets 429 rate_limited.",
		[]string{"TestLoginRateLimits", "TestTrustedProxy"}},
	{"C20", "Sessions are revoked on the server: logout deletes the session, and a password change (own, by an admin, or `yizhan user passwd`) or disabling the account ends all its sessions in the same transaction; a replayed cookie gets 401 unauthenticated. A password change always ends every session (no 'keep others' choice).",
		[]string{"TestLogoutRevokes", "TestUserAddThenLogin", "TestAdminUsers", "TestUpdateUserRevokesSessions"}},
	{"C22", "A tampered, truncated, over-long, foreign or expired session cookie gets the same 401 unauthenticated body, without a stack trace; sessions end at their absolute lifetime and after the idle timeout.",
		[]string{"TestLoginBadInput", "TestSessionAbsoluteLifetime", "TestSessionIdleTimeout", "TestTokens"}},
	{"C23", "Every write with the session cookie needs that session's own X-CSRF-Token header (the cookie is also SameSite=Strict); none, a wrong one or another session's is 403 forbidden naming X-CSRF-Token, and nothing changes. Origin is not checked.",
		[]string{"TestCSRFAndRoles", "TestEditStation", "TestLogoutRevokes", "TestUserAddThenLogin"}},
	{"C24", "An operator calling the admin routes (imports, export, users, reports) gets 403 forbidden; without a session, 401 unauthenticated.",
		[]string{"TestAdminImportAndExport", "TestCSRFAndRoles", "TestOperatorReports"}},

	// D. Operator edits.
	{"D25", "An operator's PATCH of a station not assigned to them is 404 not_found (existence not revealed) and the row is unchanged; the refusal is only in the request log, not the station audit.",
		[]string{"TestEditStation", "TestCanEdit", "scripts/e2e/browser/manage.test.mjs: sign in: a wrong password is refused plainly; the operator sees only their stations, in either language"}},
	{"D27", "Opening hours that do not parse (25:00-26:00, 8:00-8:00, 8:61-18:00) are 400 invalid_parameter on opening_hours with the parser's reason (no separate invalid_hours code); 18:00-8:00 is read as an overnight span, like 18:00-次日8:00.",
		[]string{"TestEditStation", "TestZhToOSM", "TestZhOutputIsCanonical", "scripts/e2e/unit/hours.test.mjs: rejects what Go rejects", "scripts/e2e/browser/manage.test.mjs: typed text: Chinese and OSM with \";\" get a live preview, the grid follows where it can, bad text is refused at the field"}},
	{"D28", "Every PATCH needs If-Match with the version read (428 precondition_required without): the first edit is 200 with the next version, a stale one 412 version_conflict with the current station in the problem, nothing overwritten; the manage page shows both to merge.",
		[]string{"TestEditStation", "scripts/e2e/browser/manage.test.mjs: a conflicting edit made elsewhere is shown with the current values and nothing is overwritten"}},
	{"D29", "A report resent with the same Idempotency-Key (the PWA outbox gives each report one) to the same station with the same body is stored once and gets the first 201 answer again; the same key with another body is 400 invalid_parameter. An edit sent twice carries the same If-Match, so it applies once and the repeat gets 412 version_conflict with the current station, not a replay.",
		[]string{"TestReportIdempotencyKey", "scripts/e2e/browser/pwa.test.mjs: offline: reload, nearest list, search, moving to another city, and a report sent on reconnecting", "TestEditStation"}},
	{"D30", "The manage page has no offline queue for edits (they need the network). An edit always carries the If-Match it read and an import bumps the version of every station it changes, so a late edit is 412 version_conflict with the current station, shown to the operator to merge.",
		[]string{"TestEditStation", "TestUpsert", "scripts/e2e/browser/manage.test.mjs: a conflicting edit made elsewhere is shown with the current values and nothing is overwritten"}},

	// E. Import files.
	{"E31", "A file that is not valid UTF-8 is read as GB18030 (GBK's superset) and imported; the report says encoding gb18030.",
		[]string{"TestImportCSVEncodings/gbk", "TestAdminImportAndExport", "TestImportCommandFormats"}},
	{"E34", "UTF-16LE with a BOM (Excel's 'Unicode text', tab-separated) is decoded and imported; the report says utf-16le.",
		[]string{"TestImportCSVEncodings/utf-16"}},
	{"E35", "Full-width digits and punctuation in coordinates, phones, dates and hours are NFKC-folded and parsed (１２３．４１２３４５, ８：００－１８：００); the report does not count them. Two numbers in one coordinate cell are a row error. (Imports normalise, query parameters do not: A3.)",
		[]string{"TestImportChineseHeaders", "TestImportValues"}},
	{"E37", "No CRS declared means WGS-84: the API's crs, the command's --crs and the manage page's choice all default to wgs84, so there is no crs_required refusal. Declared gcj02 or bd09 is converted to WGS-84 by iterating the forward transform (under 1 mm), keeping source_crs and the original text.",
		[]string{"TestImportConvertsCRS", "TestReadCSVConvertsCRS", "TestAdminImportAndExport", "TestCRSRoundTripDense"}},
	{"E39", "A coordinate over 1000 in absolute value (13740000, 5130000; 500000) is a row error projected_coordinate asking for degrees; no projected CRS (EPSG:3857, BD09MC) can be declared.",
		[]string{"TestImportCoordinateErrors", "TestImportGeoJSONErrors"}},
	{"E40", "A point outside Liaoning's extent (lon 118.5-126.1, lat 38.4-43.8, after CRS conversion) is a row error outside_liaoning naming row, column and value. A point more than 2.5 km outside the district (or city) its row declares is outside_district (class 4).",
		[]string{"TestImportCoordinateErrors", "TestReadCSVErrors", "TestPlaceTolerance", "TestImportHoldsPointsToTheirPlace"}},
	{"E41", "Empty or placeholder coordinates (0, 0.0, /, -, 待定, #N/A, N/A) are a row error missing_coordinate; a station is never stored at (0,0), and there is no 'unlocated' import.",
		[]string{"TestImportCoordinateErrors", "scripts/e2e/browser/manage.test.mjs: admin import: a dry run of a file with a bad row lists it and writes nothing; a good file imports"}},
	{"E42", "The header is found by column-name synonyms below up to 10 title rows (merged title cells too), and 序号 is ignored and reported. Ditto marks (同上, 〃) are row errors ditto_cell naming row and column, never filled down (there is no fill-down option). Footer rows (one filled cell starting 填表人, 审核人, 填报日期, 注：…) are reported as what they are, a note under the list to delete, with their row; they are not skipped silently.",
		[]string{"TestImportRefusesDittoCells", "TestImportChineseHeaders", "TestImportXLSX", "TestImportCommandFormats"}},
	{"E44", "A repeated id in a file is a row error, as is a repeat of name and address when no id is given; rows upsert by id (given, or generated stably from city, district, name and address), so re-importing updates and the report counts created, updated and unchanged. There is no within-20-m duplicate check.",
		[]string{"TestImportReportsEveryRow", "TestReadCSVErrors", "TestImportChineseHeaders", "TestUpsert"}},
	{"E45", "Any row error (unclosed quote, wrong column count, bad value) answers 422 with every error and its row (1000 listed, the rest counted) and writes nothing; dry_run=true (and --dry-run) checks everything and writes nothing.",
		[]string{"TestAdminImportAndExport", "TestImportReportsEveryRow", "TestImportErrorCap", "TestUpsertAllOrNothing", "TestDryRunAndOnlyIfEmpty", "TestExportImportRoundTrip",
			"scripts/e2e/browser/manage.test.mjs: admin import: a dry run of a file with a bad row lists it and writes nothing; a good file imports"}},
	{"E46", "A file over 50 MB, over the row cap (2,000,000 by default) or an XLSX that would unpack too far (zip bomb) is refused as payload_too_large (413 from the API) before anything is written; there is no separate too_many_rows code.",
		[]string{"TestImportLimits", "TestImportCommandFormats", "TestImportXLSXZipBomb"}},
	{"E49", "An upload is the raw request body, so no client filename reaches the server (the manage page uses it only to pick the format); exports are named yizhan-stations-v<N>.<ext> by the server.",
		[]string{"scripts/e2e/browser/manage.test.mjs: admin export: the links answer 200 with the right content types"}},
	{"E50", "Each feature's problem is a row error with its index in features and the upload answers 422: [lat, lon] is swapped_coordinates, a Polygon invalid_parameter, [0,0] missing_coordinate, metres projected_coordinate; a legacy crs member is refused unless it names CRS84/EPSG:4326 in a WGS-84 import; broken JSON, NaN literals and 20,000-deep nesting make the file invalid_import. 3-D positions are accepted (altitude dropped); a property name given twice is a row error naming it (other repeated members: the last wins).",
		[]string{"TestImportGeoJSONErrors", "TestImportGeoJSON", "FuzzImport"}},

	// F. Concurrency and crash points.
	{"F51", "One import runs at a time per server: a second one is 409 import_running until the first finishes. A `yizhan import` run meanwhile is one SQLite transaction too, so writes never interleave.",
		[]string{"TestOneImportAtATime", "TestReadsDuringWrites"}},
	{"F52", "Writes are serialised (BEGIN IMMEDIATE, busy timeout), so an edit during an import waits and then runs; if the import changed the station first, the edit's If-Match is stale and it is 412. Exports carry each station's version; an imported row naming a version that would change a station edited since is a version_conflict row error and nothing is written; a row without a version overwrites (the audit keeps both).",
		[]string{"TestReadsDuringWrites", "TestEditStation", "TestImportOfStaleExportConflicts", "TestImportCommandRefusesStaleVersions", "TestUpsertVersionConflicts"}},
	{"F53", "Write transactions are BEGIN IMMEDIATE with a 10 s busy timeout; a write still busy after it is 503 unavailable with Retry-After, never a 500 'database is locked'.",
		[]string{"TestBusyDatabaseAnswers503", "TestReadsDuringWrites"}},
	{"F54", "kill -9 during the first-start seed or an import leaves integrity_check ok and the transaction wholly applied or wholly absent; the next import runs normally. There is no import job record, so nothing shows 'aborted'.",
		[]string{"TestKilledWritesAreAllOrNothing"}},
	{"F55", "WAL with synchronous=FULL: a commit that answered 200 is synced. Tested by SIGKILL of the server (every acknowledged edit and its audit entry kept); power loss itself is not simulated. The store's writer and reader connections are checked to run with synchronous=FULL.",
		[]string{"TestAcknowledgedEditsSurviveKill", "TestPragmas"}},
	{"F56", "An import that hits a full disk (SQLITE_FULL) rolls back whole: integrity_check ok, stations, data version and audit as before, reads go on, and the same import succeeds once there is room. The API answers storage_unavailable as 503 with Retry-After and logs the cause.",
		[]string{"TestStorageFullRollsBack", "TestStorageUnavailableAnswers503"}},
	{"F57", "Backups use VACUUM INTO: one consistent state during writes that passes integrity_check and loads as a database, never overwriting an existing file; a restored backup is not confused with the station cache.",
		[]string{"TestBackupDuringWrites", "TestCacheAfterRestoredBackup", "TestCommandsRefuseBadInput"}},
	{"F59", "Every route that works on the database runs under a per-request deadline (2 min; RequestDeadline) that its database calls take as their context: a write stuck behind another writer gives up at the deadline, not at SQLite's 10 s busy timeout, and answers 503 unavailable with Retry-After, having written nothing. Reads are answered from the in-memory index and cannot get stuck.",
		[]string{"TestRequestDeadlineCancelsDatabaseWork", "TestBusyDatabaseAnswers503"}},
	{"F60", "Hours are parsed while the file is read, before the write transaction opens, so a panic there cannot leave a partial write; fuzz tests keep the hours parser and the importer panic-free. Any panic in a handler is recovered into 500 internal as problem+json with the request_id, logged once with that id and no stack trace, and the server goes on answering.",
		[]string{"TestPanicAnswers500", "FuzzNormalize", "FuzzZhToOSM", "FuzzImport"}},
	{"F61", "Answers carry the data version and the dataset a strong ETag, which every edit or import changes; the PWA revalidates with If-None-Match and its dataset leaves out closed stations. The service worker never caches /api/, and signed-in answers are Cache-Control: no-store, so there is no cached private data for logout to clear.",
		[]string{"TestDataset", "TestImportWhileServingIsAtomic", "TestEditStation", "TestAdminUsers"}},
}

// catalogueItems are the item numbers of reliability.md §4 in order (A11, B15, C19, C21, D26 and
// others are not in it).
var catalogueItems = strings.Fields(`
	A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A12
	B13 B14 B16
	C17 C18 C20 C22 C23 C24
	D25 D27 D28 D29 D30
	E31 E34 E35 E37 E39 E40 E41 E42 E44 E45 E46 E49 E50
	F51 F52 F53 F54 F55 F56 F57 F59 F60 F61`)

// TestCatalogueMapsToTests keeps the table honest: every item once and in order, every Go test named
// is a top-level Test or Fuzz function under server/, and every JavaScript test is a title in its file.
func TestCatalogueMapsToTests(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	goTests := goTestNames(t, filepath.Join(root, "server"))

	seen := map[string]int{}
	var got []string
	for _, c := range catalogue {
		seen[c.item]++
		got = append(got, c.item)
	}
	for _, item := range catalogueItems {
		if seen[item] != 1 {
			t.Errorf("item %s appears %d times, want once", item, seen[item])
		}
	}
	want := map[string]bool{}
	for _, item := range catalogueItems {
		want[item] = true
	}
	for _, c := range catalogue {
		if !want[c.item] {
			t.Errorf("item %s is not in reliability.md §4", c.item)
		}
	}
	if strings.Join(got, " ") != strings.Join(catalogueItems, " ") {
		t.Errorf("items are not in catalogue order:\n got %v\nwant %v", got, catalogueItems)
	}

	var missing []string
	for _, c := range catalogue {
		notCovered := strings.HasPrefix(c.behaviour, "NOT COVERED:")
		switch {
		case c.behaviour == "":
			t.Errorf("%s: no behaviour", c.item)
		case len(c.tests) == 0 && !notCovered:
			t.Errorf("%s: no tests, so its behaviour must start with NOT COVERED:", c.item)
		case len(c.tests) > 0 && notCovered:
			t.Errorf("%s: says NOT COVERED but names tests", c.item)
		case notCovered:
			t.Logf("%s %s", c.item, c.behaviour)
		}
		for _, ref := range c.tests {
			if problem := checkRef(root, ref, goTests); problem != "" {
				missing = append(missing, c.item+": "+problem)
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d tests named in the catalogue do not exist:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}

// checkRef returns what is wrong with one test reference, or "".
func checkRef(root, ref string, goTests map[string]bool) string {
	if path, title, ok := strings.Cut(ref, ".mjs: "); ok {
		path += ".mjs"
		if !strings.HasPrefix(path, "scripts/e2e/") {
			return path + " is not under scripts/e2e"
		}
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(path)))
		if err != nil {
			return err.Error()
		}
		if !hasQuoted(string(src), title) {
			return path + " has no test titled " + title
		}
		return ""
	}
	name, _, _ := strings.Cut(ref, "/") // a subtest is for the reader; the function must exist
	if !goTests[name] {
		return name + " is not a test function under server/"
	}
	return ""
}

// hasQuoted reports whether src holds title as a JavaScript string literal in any of the three quotes
// (a single-quoted one escapes its apostrophes).
func hasQuoted(src, title string) bool {
	return strings.Contains(src, `'`+strings.ReplaceAll(title, `'`, `\'`)+`'`) ||
		strings.Contains(src, `"`+strings.ReplaceAll(title, `"`, `\"`)+`"`) ||
		strings.Contains(src, "`"+title+"`")
}

// goTestNames returns the top-level Test and Fuzz functions of every _test.go file under dir.
func goTestNames(t *testing.T, dir string) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir // the go tool ignores these too
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Errorf("parsing %s: %v", path, err) // its tests would go uncounted
			return nil
		}
		for _, decl := range f.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && fn.Recv == nil &&
				(strings.HasPrefix(fn.Name.Name, "Test") || strings.HasPrefix(fn.Name.Name, "Fuzz")) {
				names[fn.Name.Name] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}
