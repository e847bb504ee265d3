package abuse

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClassifyUA(t *testing.T) {
	cases := []struct {
		ua      string
		class   UAClass
		product string
	}{
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", UABrowser, "browser"},
		{"Mozilla/5.0 (Linux; Android 9; CUBOT P30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36", UABrowser, "browser"},
		{"ShopApp/4.2 (iPhone; iOS 18.1)", UAOther, ""},
		{"okhttp/4.12.0", UAOther, "okhttp"},
		{"Dalvik/2.1.0 (Linux; U; Android 14; Pixel 8 Build/UQ1A)", UAOther, "Dalvik"},
		{"", UAAutomation, "no User-Agent"},
		{"-", UAAutomation, "no User-Agent"},
		{"curl/8.5.0", UAAutomation, "curl"},
		{"python-requests/2.32.3", UAAutomation, "python-requests"},
		{"Go-http-client/1.1", UAAutomation, "Go-http-client"},
		{"Wget/1.21.4", UAAutomation, "Wget"},
		{"libwww-perl/6.72", UAAutomation, "libwww-perl"},
		{"PostmanRuntime/7.42.0", UAAutomation, "PostmanRuntime"},
		{"UniversalFeedParser/4.2-pre-314-svn +http://feedparser.org/", UAAutomation, "UniversalFeedParser"},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36", UAHeadless, "HeadlessChrome"},
		{"Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1", UAHeadless, "PhantomJS"},
		{"Scrapy/2.11 (+https://scrapy.org)", UAScraper, "Scrapy"},
		{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", UACrawler, "Googlebot"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 6_0 like Mac OS X) AppleWebKit/536.26 (KHTML, like Gecko) Version/6.0 Mobile/10A5376e Safari/8536.25 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", UACrawler, "Googlebot"},
		{"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", UACrawler, "bingbot"},
		{"Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)", UACrawler, "Baiduspider"},
		{"Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", UACrawler, "YandexBot"},
		{"Mozilla/5.0 (compatible; Ezooms/1.0; help@moz.com)", UACrawler, "Ezooms"},
		{"Mozilla/5.0 (compatible; NewThingBot/0.1; +https://example.org/bot)", UACrawler, "NewThingBot"},
		{"sqlmap/1.8#stable (https://sqlmap.org)", UAScanner, "sqlmap"},
		{"Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:007357)", UAScanner, "Nikto"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 nuclei", UAScanner, "Nuclei"},
		{"SQLMAP/1.0", UAScanner, "sqlmap"},
		{"Mozilla/5.0 (Windows; U; Windows NT 5.1; zh-CN; )  Firefox/1.5.0.11; 360Spider", UACrawler, "360Spider"},
		{"YisouSpider", UACrawler, "YisouSpider"},
		{"LumiBot 2.0", UACrawler, "LumiBot"},
		{"Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1;  http://www.changedetection.com/bot.html )", UACrawler, "a self-declared bot"},
		{"Mozilla/5.0 (Linux; Android 9; CUBOT KING KONG) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36", UABrowser, "browser"},
		{"Botany/1.0", UAOther, ""},
	}
	for _, c := range cases {
		got := ClassifyUA(c.ua)
		if got.Class != c.class || got.Product != c.product {
			t.Errorf("ClassifyUA(%q) = %v %q, want %v %q", c.ua, got.Class, got.Product, c.class, c.product)
		}
	}
}

func TestUAClassString(t *testing.T) {
	for c := UAOther; c <= UAScanner; c++ {
		if s := c.String(); s == "unknown" || s == "" {
			t.Errorf("class %d has no name", c)
		}
	}
	if !UAHeadless.Automated() || UABrowser.Automated() || UAOther.Automated() {
		t.Error("Automated: want scripts, headless browsers, scrapers, crawlers and scanners only")
	}
}

// FuzzClassifyUA checks that any header classifies without panicking, into
// a known class, the same way whatever its ASCII case, and with a product
// that is a valid string.
func FuzzClassifyUA(f *testing.F) {
	for _, s := range []string{"", "-", "curl/8.5.0", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"sqlmap/1.8#stable", "okhttp/4.12.0", "bot", "x bot/ http", "\xff\xfebot;@", "K\u212abot http"} {
		f.Add(s)
	}
	c := newUAClassifier()
	f.Fuzz(func(t *testing.T, ua string) {
		got := c.classify(ua)
		if got.Class > UAScanner {
			t.Fatalf("class %d out of range", got.Class)
		}
		if up := c.classify(strings.ToUpper(asciiLower(ua))); up.Class != got.Class && utf8.ValidString(ua) && isASCII(ua) {
			t.Fatalf("%q is %v but its upper case is %v", ua, got.Class, up.Class)
		}
		if got.Class == UACrawler && got.Product == "" {
			t.Fatalf("%q: crawler without a product", ua)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
