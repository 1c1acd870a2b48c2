package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// classes maps the classes of bad input (issue "Bad input, round two") to the variants tried and the
// tests that prove what Yizhan does with each. The catalogue (catalogue_test.go) is a sample of each
// class; these are the variants made up beyond it. References are as in the catalogue: "TestName",
// "TestName/subtest" or "scripts/e2e/<path>.mjs: <test title>". Each class keeps its rows together,
// in class order; a class with no rows yet is not listed.
var classes = []struct {
	class     int
	variant   string // what was sent
	behaviour string // what the server answers
	tests     []string
}{
	{1, "import upload, Content-Length, whole rows sent, then the client half-closes one byte or 1 MB short", "400 upload_incomplete (not 500); none of the whole rows stored, data version unchanged; the next import is 200 at once", []string{"TestUploadCutShort/whole rows, Content-Length one byte more, half-close", "TestUploadCutShort/whole rows, Content-Length 1 MB more, half-close"}},
	{1, "import upload, Content-Length, cut mid-row, half-close", "400 upload_incomplete; nothing stored; the lock free at once", []string{"TestUploadCutShort/cut mid-row, half-close"}},
	{1, "import upload, Content-Length, headers only (no body byte), half-close", "400 upload_incomplete; nothing stored; the lock free at once", []string{"TestUploadCutShort/headers only, half-close"}},
	{1, "import upload of half an XLSX (a truncated zip), half-close", "400 upload_incomplete, not a 422 about a broken workbook: the upload, not the file, went wrong", []string{"TestUploadCutShort/half an XLSX, half-close"}},
	{1, "import upload, Content-Length, the client closes the connection mid-body (FIN, and RST as when a phone loses its network)", "a plain close for the client; the server counts a 400 (not 500), frees the lock at once, stores nothing", []string{"TestUploadCutShort/whole rows, Content-Length more, closed", "TestUploadCutShort/whole rows, Content-Length more, reset"}},
	{1, "chunked import upload cut mid-chunk, between whole chunks (no last chunk) or inside a chunk-size line, half-close", "400 upload_incomplete; nothing stored; the lock free at once", []string{"TestUploadCutShortChunked/cut mid-chunk, half-close", "TestUploadCutShortChunked/whole chunks but no last chunk, half-close", "TestUploadCutShortChunked/cut inside a chunk size line, half-close"}},
	{1, "chunked import upload cut mid-chunk, then closed or reset", "a plain close; the server counts a 400, frees the lock at once, stores nothing", []string{"TestUploadCutShortChunked/cut mid-chunk, closed", "TestUploadCutShortChunked/cut mid-chunk, reset"}},
	{1, "import upload trickling a byte every 300 ms (Content-Length, and one-byte chunks)", "408 upload_too_slow after about one upload-rate-window, not the 2-minute deadline; nothing stored; the next import 200 at once", []string{"TestUploadTooSlow/Content-Length, a byte every 300 ms", "TestUploadTooSlow/chunked, a one-byte chunk every 300 ms"}},
	{1, "import upload bringing 20 bytes every 50 ms (400 B/s: data in every window, but under upload-min-rate)", "408 upload_too_slow: a minimum rate, not a no-progress timeout", []string{"TestUploadTooSlow/Content-Length, 20 bytes every 50 ms"}},
	{1, "import upload a little above upload-min-rate, spread over several windows", "imported (200): the window moves on with the data", []string{"TestUploadTooSlow"}},
	{1, "import upload that stalls: before its first byte, after a quick start, before the first chunk, mid-chunk", "408 upload_too_slow after about a window; nothing stored; the lock free at once", []string{"TestUploadStalled/Content-Length, stalled before the first byte", "TestUploadStalled/Content-Length, a quick start then stalled", "TestUploadStalled/chunked, stalled before the first chunk", "TestUploadStalled/chunked, stalled mid-chunk"}},
	{1, "upload-min-rate or upload-rate-window out of range in the configuration", "serve refuses to start, naming the key", []string{"TestUploadRateConfig"}},
	{2, "invisible and format characters inside a value (zero-width space/joiner, word joiner, BOM, soft hyphen, bidi override and marks, Mongolian vowel separator, tag characters, C0 controls and DEL) in name, address, operator, status note and phone, by an admin's edit, an import over HTTP and yizhan import", "removed the same way on all three (station.Clean), the rest stored as typed; a line break or tab becomes a space", []string{"TestOneSetOfRules", "TestCleanUsername", "TestClean", "FuzzClean", "TestRiderTextCleaned"}},
	{2, "a name that is empty once invisible characters are removed (only ZWSP/ZWNJ/WJ/BOM, or soft hyphen, RLO, ALM and an ideographic space)", "refused on every path: missing_parameter about name; nothing changes", []string{"TestOneSetOfRules", "TestReadCSVErrors"}},
	{2, "a name one character over the limit, and at the limit with invisible characters after it", "out_of_range on every path; the second stored (limits count what is kept)", []string{"TestOneSetOfRules"}},
	{2, "kind, status, audience and amenities as labels and synonyms (司机之家, 货车司机之家, Drivers' home, 暂停服务, 货车司机, 热水、手机充电器, Hot water；toilet) in an edit as well as an import", "read as the same codes on every path (one word list in station); an unknown word is invalid_parameter about the field everywhere", []string{"TestOneSetOfRules"}},
	{2, "a full-width phone number (０２４－８８８８８８８８) in an edit and an import; an account name with invisible characters at creation (API and CLI) and at sign-in; station ids in an assignment with full-width letters", "folded (NFKC) and cleaned the same way: 024-88888888; the account is made and signs in under the cleaned name", []string{"TestOneSetOfRules", "TestCleanUsername", "TestUsernameCleanedEverywhere"}},
	{3, "UTF-8 read as GBK and saved again (鍏ㄥぉ for 全天, 娌抽槼 style), in 名称, 地址 or 运营单位, whole characters or an odd byte left as U+FFFD or ?", "422, nothing written: one garbled_text finding (row 0, field the first column) naming the first rows and columns, the original text where re-encoding GBK→UTF-8 recovers it, and how to save the file again (另存为 CSV UTF-8 …)", []string{"TestImportRefusesMisdecodedText/utf-8 read as gbk", "TestImportRefusesMisdecodedText/utf-8 read as gbk, lost byte saved as ?", "TestImportBadFilesOverHTTP/garbled text", "TestImportCommandRefusesBadFiles"}},
	{3, "UTF-8 read as Windows-1252 or Latin-1 and saved again, once (æ²³) or twice (Ã¦Â²Â³), Latin-1's C1 bytes, the last one trimmed as white space", "422 garbled_text with the original text (cp1252/Latin-1 → bytes → UTF-8)", []string{"TestImportRefusesMisdecodedText/utf-8 read as windows-1252", "TestImportRefusesMisdecodedText/utf-8 read as latin-1 twice", "TestImportBadFilesOverHTTP/garbled text"}},
	{3, "GBK read as Windows-1252 (ÉòÑôÊÐ for 沈阳市)", "422 garbled_text (cp1252 → bytes → GBK gives common hanzi)", []string{"TestImportRefusesMisdecodedText/gbk read as windows-1252"}},
	{3, "GBK read as UTF-8: U+FFFD, then saved and read again as GBK (锟斤拷, 锟叫甘撅拷) or as Windows-1252 (ï¿½)", "422 garbled_text", []string{"TestImportRefusesMisdecodedText/gbk read as utf-8", "TestImportRefusesMisdecodedText/gbk read as utf-8, saved and read as gbk again", "TestImportRefusesMisdecodedText/gbk read as utf-8, saved and read as windows-1252", "TestImportBadFilesOverHTTP/garbled text"}},
	{3, "question marks where hanzi were: ???驿站, ????, ？？？, 沈阳市???街道, 沈阳市?街道, mixed ?？?, in names, addresses, operators", "422 garbled_text; in free notes (备注) ？？ and ??? stay punctuation", []string{"TestImportRefusesQuestionMarkText", "TestImportKeepsUnusualGoodText", "TestImportBadFilesOverHTTP/garbled text"}},
	{3, "a UTF-8 file whose first 64 kB are ASCII and that goes on in GBK (two encodings in one file)", "422 garbled_text naming row 3001", []string{"TestImportRefusesMixedEncodings"}},
	{3, "the header itself misread (鍚嶇О for 名称), and mojibake inside an XLSX workbook or in a GeoJSON feature's properties", "422 garbled_text naming the header (表头), the sheet's row or the feature", []string{"TestImportRefusesMisdecodedHeader", "TestImportRefusesMisdecodedXLSX", "TestImportRefusesMisdecodedGeoJSON"}},
	{3, "false alarms: every cell of the seed (16,500 stations), the reference areas and the test files read as a name; Café, naïve, Müller, ①Ⅱ, 𠮷, α·β, 岫岩, a single ? in English", "no finding: imported as written", []string{"TestMisdecodedNoFalseAlarms", "TestImportKeepsUnusualGoodText", "TestImportTestFilesAreNotGarbled", "TestImportSeedHasNoGarbledText"}},
	{4, "a point 0.3, 1 or 2.3 km outside its declared district (和平区, 新民市, 鞍山铁西区, 朝阳双塔区, in four directions)", "imported: within the 2.5 km tolerance (the areas are about 1 km accurate; the seed is at most 0.68 km out)", []string{"TestPlaceTolerance"}},
	{4, "a point 2.7 or 8 km outside its declared district", "422, row error outside_district in the longitude column: the declared place, how far out, and where the point is (实际落在 city+district, from the areas)", []string{"TestPlaceTolerance", "TestImportHoldsPointsToTheirPlace"}},
	{4, "a point on the border between 和平区 and 沈河区, declared as either", "imported: both fit", []string{"TestPlaceOnBorder"}},
	{4, "a point on an island of 长海县, declared by adcode, by district name, by city and district, by city prefix (大连) or by the city's adcode", "imported", []string{"TestPlaceIslandsSeaAndNeighbours", "TestImportHoldsPointsToTheirPlace"}},
	{4, "a point in the sea off 长海县, in Jilin north of 昌图县, in Hebei west of 绥中县 (inside Liaoning's box)", "outside_district saying 不在辽宁省任何区县内（省外或海上）", []string{"TestPlaceIslandsSeaAndNeighbours", "TestImportHoldsPointsToTheirPlace"}},
	{4, "degrees-minutes-seconds typed as decimals (123.2428 for 123°24′28″): both columns, longitude only, latitude only, or degrees-decimal-minutes, in four districts", "outside_district whose cause says 可能把度分秒当成小数填写 with the value meant (123.2428 应为 123°24′28″（123.407778）)", []string{"TestPlaceDegreesMinutesAsDecimals", "TestImportHoldsPointsToTheirPlace"}},
	{4, "a point in the wrong CRS near a border: Baidu's or Amap's declared as WGS-84, GPS declared as BD-09, Baidu's declared as GCJ-02", "outside_district whose cause names the CRS that makes it fit (both when GCJ-02 and BD-09 do) and crs=… to import with", []string{"TestPlaceWrongCRS"}},
	{4, "longitude and latitude swapped", "swapped_coordinates, found first; the place check's cause finder also says 经度和纬度两列填反了, and 请核对 when nothing explains the miss", []string{"TestPlaceCauseSwapped"}},
	{4, "no adcode: a district name used in two cities (铁西区) with and without the city, a short name (鞍山, 铁西), a province prefix (辽宁省大连市), only the city, an unknown district", "held against the named place (either 铁西区 when no city says which; the city when the district is unknown); a wrong one is outside_district naming it", []string{"TestPlaceByName"}},
	{4, "an adcode that is not Liaoning's (110101) or a district name that is nobody's, with no city", "not checked (no place to hold the point against); the adcode wins over names that disagree", []string{"TestPlaceByName"}},
	{4, "the seed's 16,500 rows, declared by adcode and again by city and district name only; the test files' rows", "no false alarm (two made-up rows of an old test had points 40 and 70 km from their district: fixed)", []string{"TestPlaceSeedHasNoFalseAlarms", "TestRoundTripAwkwardText"}},
	{5, "degrees-minutes-seconds with ° ′ ″, with ' \" , with doubled primes ('' ′′) as seconds, with curly quotes (’ ”) from an input method, with full-width ＇＂ and digits, with spaces or none", "converted to decimal degrees (123°25′30.5″ → 123.425138889) and counted in the report's converted.dms", []string{"TestImportConvertsNotations", "TestImportNotationsOverHTTP/dms", "TestImportNotationFiles"}},
	{5, "degrees and decimal minutes (123°25.5′, 东经123度24分), Chinese 度分秒, a last number without its mark (123°25 30, 41 48 N)", "converted and counted", []string{"TestImportConvertsNotations", "TestImportNotationsOverHTTP/dms"}},
	{5, "东经/北纬 or E/N (either case) before or after the value, with or without a space, on DMS or on decimal degrees (E123.4, 41.79N, 123.4°)", "converted and counted; plain decimals are not counted", []string{"TestImportConvertsNotations", "TestImportNotationsOverHTTP/dms"}},
	{5, "minutes or seconds of 60 or more (123°65′, 41°48′61″, 41°47′60′′)", "row error dms_coordinate naming the cell and the part that is 60 or more; nothing written", []string{"TestImportRefusesAmbiguousNotations", "TestImportNotationsOverHTTP/dms"}},
	{5, "W/S/西经/南纬 or a minus sign on a DMS value (Liaoning is east and north)", "row error wrong_hemisphere naming the cell", []string{"TestImportRefusesAmbiguousNotations", "TestImportNotationsOverHTTP/dms"}},
	{5, "a bare 12325.5, 12325, 4148.3 that reads as degrees and minutes run together (DDMM.m)", "row error ddmm_coordinate giving the reading (123°25.5′ = 123.425) and asking for decimal degrees: never converted", []string{"TestImportRefusesAmbiguousNotations", "TestImportNotationsOverHTTP/dms"}},
	{5, "fractional degrees before minutes (123.5°25′), marks out of order (123′25°), a number after the seconds, a doubled degree mark, over 180°", "row error dms_coordinate: not a coordinate that can be read", []string{"TestImportRefusesAmbiguousNotations"}},
	{5, "a DMS pair in one cell (123°25′30″, 41°48′)", "row error invalid_parameter: more than one number, put them in their own columns (the importer has no one-cell pair column)", []string{"TestImportRefusesAmbiguousNotations"}},
	{5, "hemisphere marks that contradict their columns while the values do not (123.4N with 41.8E, 东经 on a latitude), or a mark on both ends", "row error dms_coordinate asking whether the marks or the values are in the wrong column (marks and values swapped together are swapped columns: class 6)", []string{"TestImportRefusesAmbiguousNotations"}},
	{5, "random cells fuzzed through the coordinate cell parser", "never panics; an accepted notation is within 0–180° and reads back the same from FormatDMS; a refusal has a code and a detail", []string{"FuzzCoordCell"}},
	{6, "a file with longitude and latitude swapped in every row (decimals and DMS with N/E marks), over the API and the command", "422 with one file-level error columns_swapped at row 0, first, saying how many rows (swapped_rows in the report), then the rows' swapped_coordinates; nothing written", []string{"TestImportFindsSwappedColumns", "TestImportNotationsOverHTTP/swapped", "TestImportNotationsOverHTTP/cli"}},
	{6, "the same file with swap_coordinates=true or --swap-coordinates", "every row checked again the other way round and imported; a row that was right is now the swapped one", []string{"TestImportFindsSwappedColumns", "TestImportNotationsOverHTTP/swapped", "TestImportNotationsOverHTTP/cli"}},
	{6, "swap_coordinates=true on a file that was right", "422 columns_swapped saying to import without swap_coordinates", []string{"TestImportFindsSwappedColumns", "TestImportNotationsOverHTTP/swapped"}},
	{6, "half the rows or fewer swapped (blank rows not counted)", "no finding: the rows' own swapped_coordinates errors only (the threshold is more than half of the data rows)", []string{"TestImportFindsSwappedColumns"}},
	{6, "1200 swapped rows (more errors than the 1000 listed)", "the finding stays first and the rest is counted in errors_omitted", []string{"TestImportFindsSwappedColumns"}},
	{6, "swap_coordinates=maybe", "400 invalid_parameter naming swap_coordinates", []string{"TestImportNotationsOverHTTP/swapped"}},
	{7, "hours saved as fractions of a day in CSV or XLSX text: 0.375, 0.375-0.75, .375-.75, ranges joined by ~ or 至, two ranges, overnight, 9 or 15 digits, full-width", "converted to HH:MM (09:00-18:00) and counted in converted.day_fraction", []string{"TestImportSpreadsheetAccidents", "TestImportXLSXSpreadsheetAccidents", "TestImportNotationsOverHTTP/spreadsheet"}},
	{7, "a day fraction that is no whole minute (0.354, 0.71)", "row error spreadsheet_time naming the cell and the time it comes to (08:29:45.6)", []string{"TestImportSpreadsheetAccidents", "TestImportNotationsOverHTTP/spreadsheet"}},
	{7, "verified_at as a date serial (45992, 45992.4375 with a time) in CSV or XLSX", "converted to the date in Asia/Shanghai (45992 is 2025-12-01 in Excel's 1900 system) and counted in converted.date_serial", []string{"TestImportSpreadsheetAccidents", "TestImportNotationsOverHTTP/spreadsheet"}},
	{7, "a number in verified_at that is no date from 1990 to 2099 (20251202, 1234, 99999)", "row error invalid_parameter: not a date", []string{"TestImportSpreadsheetAccidents"}},
	{7, "a phone or adcode in scientific notation with every digit (1.3912345678E10, 1.3912345678E+10, 2.412345678e+09, a written trailing zero), as CSV, as XLSX text", "converted to its digits and counted in converted.exponent", []string{"TestImportSpreadsheetAccidents", "TestImportXLSXSpreadsheetAccidents", "TestImportNotationsOverHTTP/spreadsheet"}},
	{7, "a phone or adcode in scientific notation with digits lost (2.41E+10, 2.41e10, 1.391234567E+10 for 11 digits, a negative exponent, full-width), in CSV or as XLSX text", "row error lost_digits naming the cell; never stored with zeros made up (an XLSX text cell was stored as 24100000000 before)", []string{"TestImportSpreadsheetAccidents", "TestImportXLSXSpreadsheetAccidents", "TestImportNotationsOverHTTP/spreadsheet"}},
	{7, "random cells fuzzed through the hours, date and exponent conversions", "never panics; hours come out as HH:MM ranges, dates read back, digits have exactly the value written", []string{"FuzzSpreadsheetCell"}},
	{8, "a legacy .xls or a password-protected .xlsx (OLE/CFB container), with no format, format=csv or format=xlsx", "415 unsupported_file_type (field file) naming it and saying 用 Excel 另存为 .xlsx 或 CSV UTF-8; CLI: the report, exit 2, the database not opened", []string{"TestImportRefusesOtherFileTypes/legacy xls (OLE)", "TestImportBadFilesOverHTTP/unsupported file type", "TestImportCommandRefusesBadFiles"}},
	{8, "an HTML page saved as .xls or .csv (Excel web page with xmlns, a bare <table>, a BOM then <table>, <!DOCTYPE html>), a single-file web page (.mht), XML Spreadsheet 2003", "415 unsupported_file_type naming a web page / .mht / XML Spreadsheet 2003", []string{"TestImportRefusesOtherFileTypes/excel web page", "TestImportRefusesOtherFileTypes/html table only", "TestImportRefusesOtherFileTypes/single-file web page", "TestImportRefusesOtherFileTypes/xml spreadsheet 2003", "TestImportBadFilesOverHTTP/unsupported file type"}},
	{8, "PDF, PNG, JPEG (a phone photo), GIF, WebP, BMP, TIFF, RTF, an SQLite database, random binary", "415 unsupported_file_type naming the type", []string{"TestImportRefusesOtherFileTypes", "TestImportBadFilesOverHTTP/unsupported file type"}},
	{8, "a zip that is no workbook (a zip of CSV files, an OpenDocument sheet, a Word document, an .xlsb), also declared csv", "415 unsupported_file_type naming it; a damaged real workbook stays 422 invalid_import", []string{"TestImportRefusesOtherFileTypes/zip of csv files", "TestImportRefusesOtherFileTypes/opendocument sheet", "TestImportRefusesOtherFileTypes/word document", "TestImportRefusesOtherFileTypes/xlsb workbook", "TestImportXLSXZipBomb"}},
	{8, "gzip, RAR and 7-Zip archives", "415 unsupported_file_type naming the archive", []string{"TestImportRefusesOtherFileTypes/gzip", "TestImportRefusesOtherFileTypes/rar", "TestImportRefusesOtherFileTypes/7z"}},
	{8, "an empty body, only white space, only a BOM", "415 unsupported_file_type: an empty file", []string{"TestImportRefusesOtherFileTypes/empty", "TestImportRefusesOtherFileTypes/only a BOM", "TestImportBadFilesOverHTTP/unsupported file type"}},
	{8, "CSV in UTF-16 (LE/BE, with or without a BOM, commas or tabs) and UTF-32 (LE/BE, with or without a BOM)", "read like any CSV (encoding utf-16le … utf-32be in the report)", []string{"TestImportWideCSV", "TestImportBadFilesOverHTTP/unsupported file type"}},
	{8, "text that starts like a magic number (MZ…), HTML tags inside cells, a stray NUL", "read as CSV, not refused", []string{"TestImportTextThatLooksBinary"}},
	{8, "any bytes with any declared format (fuzzed)", "a station error or a report, never a panic or a 500", []string{"FuzzImportAnyFile"}},
	{9, "nearby at the very point of a station closed for good (0 m), with limits 1, 3 and all", "left out: the nearest is the temporarily closed one 111 m away, and a limit of k still gives k stations (the filter is in the index query)", []string{"TestClosedStationsLeftOut/nearby"}},
	{9, "nearby with status=closed, open, temporarily_closed, open,closed or all three, in any order", "only stations of those statuses, nearest first; with closed asked for, the closed one at 0 m comes first", []string{"TestClosedStationsLeftOut/nearby"}},
	{9, "status=closed,temporarily_closed together with open=now", "none: a station out of service is never open", []string{"TestClosedStationsLeftOut/nearby"}},
	{9, "nearby online against the offline dataset's stations ordered by distance", "the same 20 ids in the same order", []string{"TestClosedStationsLeftOut/online equals offline", "scripts/e2e/browser/pwa.test.mjs: first load: the nearest stations in the server's order, the map, and no CSP violation"}},
	{9, "bbox around closed, temporarily closed and open stations, in WGS-84 and GCJ-02, with limit=1", "closed ones left out unless status asks; limit 1 gives a station that is not closed and truncated true", []string{"TestClosedStationsLeftOut/bbox"}},
	{9, "search for a name shared by closed and open stations, with and without a position, limit 1", "closed ones neither listed nor counted in total unless status asks", []string{"TestClosedStationsLeftOut/search"}},
	{9, "a link to a closed station (GET /stations/{id})", "200 with status closed: the rider learns it is closed", []string{"TestClosedStationsLeftOut/by id"}},
	{9, "status empty, with empty items, unknown (shut, all, *, a label, OPEN, Closed, temporarily-closed), padded, with NUL, very long, or listed twice, on nearby, bbox and search", "400 invalid_parameter naming status", []string{"TestStatusParameterRefused"}},
	{9, "status given twice as a parameter", "400 duplicate_parameter naming status", []string{"TestStatusParameterRefused"}},
	{10, "GET /stations/{id}/history (and HEAD) of an id that names no station, as an admin and as an operator", "404 not_found naming id (it was 200 with an empty list for admins)", []string{"TestUnknownIDsAre404"}},
	{10, "PATCH /stations/{id} of an unknown id by an admin, with and without If-Match", "404 not_found before If-Match is looked at (it was 428), nothing written", []string{"TestUnknownIDsAre404"}},
	{10, "GET/HEAD /stations/{id} and POST /stations/{id}/reports of unknown ids, signed out and in", "404 not_found; no report stored", []string{"TestUnknownIDsAre404"}},
	{10, "station ids a letter case off, with a trailing space, a percent-encoded slash (a%2Fb, ..%2F..%2Fmeta, id%2Fhistory), NUL, 4,000 characters, Chinese, bytes that are not UTF-8, %25, %2520, %3F, %23, %2E", "404 not_found on every station route; the id is echoed cut to 40 characters, so the answer stays small", []string{"TestUnknownIDsAre404"}},
	{10, "PATCH /admin/users/{id}, PUT /admin/users/{id}/stations and PATCH /reports/{id} with ids 999999, 0, -1, 01, +1, 1e3, 1.0, abc, an overflowing number, 1%2F2, 1%00 or 4,000 digits", "404 not_found, for admins and operators alike, nothing changed", []string{"TestUnknownIDsAre404"}},
	{10, "the same routes with a known id", "200: the 404s are not a routing mistake", []string{"TestUnknownIDsAre404"}},
	{10, "every route that takes an id, in OpenAPI", "documents 404 and says in its id parameter that an unknown id answers it", []string{"TestOpenAPIDocuments404ForIDs"}},
	{12, "SIGTERM as soon as /readyz answers on a first start, the seed (15,000 stations) still being written", "the write finishes within the 10 s shutdown grace, the log says so, exit 0; the database holds every seed station at data version 1", []string{"TestStopDuringFirstStart/SIGTERM as soon as ready"}},
	{12, "Ctrl-C (SIGINT) while a restart loads the stations", "exit 0, the database unchanged", []string{"TestStopDuringFirstStart/SIGTERM as soon as ready"}},
	{12, "Ctrl-C then SIGTERM while the seed is written (a stop twice)", "the write is abandoned whole: exit 1 saying the next start seeds again; integrity_check ok and the database empty (or complete, had the write ended first), never partial; the next start seeds it", []string{"TestStopDuringFirstStart/SIGINT then SIGTERM"}},
	{12, "SIGTERM before ready, while the seed is read and indexed", "nothing was served, so nothing is kept: exit 0 at once, the database empty and intact, and the next start seeds it", []string{"TestStopDuringFirstStart/SIGTERM before ready, while the seed is read and indexed"}},
	{12, "a stop and then no more signals, the write outlasting the grace", "the write is abandoned when the grace runs out, as for a second stop", []string{"TestAfterStop/the grace runs out", "TestAfterStop/a stop leaves the grace"}},
	{12, "a stop that came before the write began, then one more signal", "counted as the second stop: the write is abandoned", []string{"TestAfterStop/a signal after a stop that came first"}},
	{13, "the right password again and again for one account (more often than its burst)", "200 every time: a correct password gives its attempt back", []string{"TestLoginLimitsCountFailures/sign-ins in a row", "TestSignInsSpendNoLoginAttempts"}},
	{13, "sign-ins to one account from one address between guesses at other names", "the sign-ins are 200; the guesses still use up the address's burst, then 429 with Retry-After", []string{"TestLoginLimitsCountFailures/per address: sign-ins between guesses at other names"}},
	{13, "failures, then the right password while not limited, then more failures", "the sign-in is 200 and does not wipe the failures (else guesses hide between sign-ins): the burst's last failure is followed by 429, and by 200 after Retry-After", []string{"TestLoginLimitsCountFailures/a sign-in between failures does not reset them", "TestSignInsSpendNoLoginAttempts"}},
	{13, "attempts refused with 429 for a limited account", "checked no password, so they cost the address nothing", []string{"TestLoginLimitsCountFailures/a refused attempt costs the address nothing"}},
	{13, "guesses sent in parallel", "each holds its attempt while the password is checked: only the burst gets 401, the rest 429", []string{"TestLoginLimitsCountFailures/parallel guesses"}},
}

// TestClassesMapToTests keeps the class table honest: classes in order, every row with a variant, a
// behaviour and tests that exist.
func TestClassesMapToTests(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	goTests := goTestNames(t, filepath.Join(root, "server"))
	last := 0
	for _, c := range classes {
		if c.class < 1 || c.class > 13 {
			t.Errorf("class %d: there are 13 classes", c.class)
		}
		if c.class < last {
			t.Errorf("class %d after class %d: keep the classes in order", c.class, last)
		}
		last = c.class
		if strings.TrimSpace(c.variant) == "" || strings.TrimSpace(c.behaviour) == "" || len(c.tests) == 0 {
			t.Errorf("class %d %q: a row needs a variant, a behaviour and tests", c.class, c.variant)
		}
		for _, ref := range c.tests {
			if problem := checkRef(root, ref, goTests); problem != "" {
				t.Errorf("class %d %q: %s", c.class, c.variant, problem)
			}
		}
	}
}
