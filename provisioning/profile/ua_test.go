package profile

import (
	"encoding/hex"
	"strings"
	"testing"
)

// One User-Agent of each form our eight families send ("…" completed
// with a plausible tail where the source elided it); real UAs with the
// public place each was seen are in testdata/ua-corpus.tsv (TestUACorpus).
var uaExamples = []struct {
	vendor, ua, model, mac string // mac "" when the UA carries none
}{
	{"yealink", "Yealink SIP-T46G 28.72.0.1 00:15:65:4a:a9:37", "T46G", "0015654aa937"},
	{"yealink", "Yealink SIP-T77U 185.87.0.10 44:db:d2:bd:b5:69", "T77U", "44dbd2bdb569"},
	{"yealink", "Yealink SIP VP-T49G 51.80.0.10 00:15:65:9b:5a:44", "T49G", "0015659b5a44"},
	{"yealink", "Yealink W70B 146.87.0.15 80:5e:0c:1d:65:4e", "W70B", "805e0c1d654e"},
	{"yealink", "Yealink CP860 37.72.0.5 00:15:65:8a:37:86", "CP860", "0015658a3786"},
	{"yealink", "Yealink SIP-T38G  38.70.0.125 00:15:65:2f:c3:5e", "T38G", "0015652fc35e"},
	{"yealink", "yealink SIP-T28P 2.73.0.50 00:15:65:12:34:56", "T28P", "001565123456"},
	{"yealink", "W52P 25.30.0.2 00:15:65:44:b3:7c", "W52P", "00156544b37c"},
	{"yealink", "VP530 23.70.0.41 00:15:65:3d:58:e3", "VP530", "0015653d58e3"},
	{"yealink", "Yealink SIP-T56A 58.80.0.25 001565f429a4", "T56A", "001565f429a4"},
	{"yealink", "Yealink-T46G 28.71.0.81 28.1.0.128.0.0.0", "T46G", ""},
	{"poly", "FileTransport PolycomVVX-VVX_410-UA/5.9.5.0614 Type/Application", "VVX_410", ""},
	{"poly", "FileTransport PolycomSoundPointIP-SPIP_335-UA/3.2.1.0078", "SPIP_335", ""},
	{"poly", "FileTransport PolycomSoundStationIP-SSIP_6000-UA/5.0.3.1667 Type/Updater", "SSIP_6000", ""},
	{"poly", "FileTransport PolyEdge-Edge_E450-UA/8.0.0.15602 Type/Application", "Edge_E450", ""},
	{"poly", "FileTransport PolyCCX-CCX_600-UA/8.0.2.3267 (SN:482567b5313f) Type/Application", "CCX_600", "482567b5313f"},
	{"poly", "FileTransport PolyCCX-CCX_500-UA/8.1.3.1301 (SN:64167F9F4C90) Type/Application", "CCX_500", "64167f9f4c90"},
	// A serial that is not 12 hex digits is not a MAC.
	{"poly", "FileTransport PolyEdge-Edge_E450-UA/8.0.0.15602 (SN:0123456789ABCD) Type/Application", "Edge_E450", ""},
	{"grandstream", "Grandstream Model HW GXP2135 SW 1.0.7.97 DevId 000b828aa872", "GXP2135", "000b828aa872"},
	{"grandstream", "Grandstream Model HW GXP2200 V2.2A SW 1.0.1.33 DevId 000b82462d97", "GXP2200", "000b82462d97"},
	{"grandstream", "Grandstream Model HW GRP2614 SW 1.0.5.15 DevId c074ad0b63ee", "GRP2614", "c074ad0b63ee"},
	{"grandstream", "Grandstream Model HW GRP2601W SW 1.0.7.32 DevId EC:74:D7:89:1A:76", "GRP2601W", "ec74d7891a76"},
	{"grandstream", "Grandstream Model HW GXP2170 SW 1.0.11.3 DevId C074AD0B63EE", "GXP2170", "c074ad0b63ee"},
	{"grandstream", "Grandstream GXP2000 (gxp2000e.bin:1.2.5.3/boot55e.bin:1.1.6.9) DevId 000b822726c8", "GXP2000", "000b822726c8"},
	{"cisco-spa", "Cisco/SPA508G-7.4.4 (0002FDFF2103)(CBT141400UK)", "SPA508G", "0002fdff2103"},
	{"cisco-spa", "Cisco/SPA525G-7.4.7 (CBT141900G7)", "SPA525G", ""},
	{"cisco-spa", "Linksys/SPA-942-6.1.5(a) (88019FA42805)", "SPA-942", ""},
	{"cisco-mpp", "Cisco-CP-7832-3PCC/11.0.1 (00562b043615)", "7832", "00562b043615"},
	{"cisco-mpp", "Cisco-CP-8841-3PCC/11.0 (d0ec35112233)", "8841", "d0ec35112233"},
	{"cisco-mpp", "Cisco-CP-8851-3PCC/12.0.1 (D0EC35A1B2C3)", "8851", "d0ec35a1b2c3"},
	{"snom", "Mozilla/4.0 (compatible; snomD785-SIP 10.1.33.33 2010.12-00004-g9ba52f5 000413922D24 SXM:0 UXM:0)", "D785", "000413922d24"},
	{"snom", "Mozilla/4.0 (compatible; snomD785-SIP 10.1.39.11 2010.12-00004-g9ba52f5 (Feb 25 2019 - 14:19:43) 000413922D24 SXM:0 UXM:0 UXMC:0)", "D785", "000413922d24"},
	{"snom", "Mozilla/4.0 (compatible; snom320-SIP 8.4.18 1.1.3-s)", "320", ""},
	{"snom", "Mozilla/4.0 (compatible; Snom M900 05.20.0001 000413b60680)", "M900", "000413b60680"},
	{"fanvil", "Fanvil X4 2.10.2.6887 0c383e07e16c", "X4", "0c383e07e16c"},
	{"fanvil", "Fanvil X6U Pro 0.0.10 0c383e2cd782", "X6U Pro", "0c383e2cd782"},
	{"fanvil", "Fanvil H2U-V2 2.12.0 0c383e32342e", "H2U-V2", "0c383e32342e"},
	{"fanvil", "Fanvil i10SV 2.12.10.1 0c383e2397f4", "i10SV", "0c383e2397f4"},
	{"htek", "Htek UC903 2.0.4.2 00:1f:c1:1c:22:a9", "UC903", "001fc11c22a9"},
	{"htek", "Htek UC926 2.0.4.4.58 00:1F:C1:1C:22:AA", "UC926", "001fc11c22aa"},
	{"gigaset", "Gigaset N720 DM PRO/70.089.00.000.000;7C2F80CA21E4", "N720 DM PRO", "7c2f80ca21e4"},
	{"gigaset", "Gigaset N870 IP PRO/83.V2.11.0+build.a546b91;7C2F80E0D605", "N870 IP PRO", "7c2f80e0d605"},
	{"gigaset", "N720-DM-PRO/70.040.00.000.000", "N720-DM-PRO", ""},
	{"panasonic", "Panasonic_KX-UT113/01.133 (0080f0c8c381)", "KX-UT113", "0080f0c8c381"},
}

// User-Agents no phone profile may accept.
var notPhones = []string{
	"", "curl/8.5.0", "curl/7.88.1", "Wget/1.21.4", "Wget/1.24.5 (linux-gnu)",
	"python-requests/2.31.0", "Go-http-client/1.1",
	"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
	"Mozilla/4.0 (compatible; MSIE 6.0) AVAYA/J179-4.1.3.0.6 (MAC:c81fea83e85a)",
	"Aastra6731i MAC:00-08-5D-23-74-29 V:3.2.0.70-SIP",
	"ALE M3-CE 2.11.01.1604 3c28a620089e",
	"sqlmap/1.8 (https://sqlmap.org)", "Nmap Scripting Engine",
}

func TestUAExamples(t *testing.T) {
	r := newTestRegistry(t)
	for _, ex := range uaExamples {
		for _, p := range r.Profiles() {
			u, ok := p.ParseUA(ex.ua)
			if p.Name != ex.vendor {
				if ok {
					t.Errorf("%s accepts %s's UA %q", p.Name, ex.vendor, ex.ua)
				}
				continue
			}
			if !ok {
				t.Errorf("%s rejects its UA %q", p.Name, ex.ua)
				continue
			}
			if u.Model != ex.model {
				t.Errorf("%q: model %q, want %q", ex.ua, u.Model, ex.model)
			}
			gotMAC := ""
			if u.HasMAC {
				gotMAC = hex.EncodeToString(u.MAC[:])
			}
			if gotMAC != ex.mac {
				t.Errorf("%q: MAC %q, want %q", ex.ua, gotMAC, ex.mac)
			}
		}
	}
	for _, ua := range notPhones {
		for _, p := range r.Profiles() {
			if _, ok := p.ParseUA(ua); ok {
				t.Errorf("%s accepts %q", p.Name, ua)
			}
		}
	}
	// A long UA is refused outright, whatever it starts with.
	long := uaExamples[0].ua + strings.Repeat(" x", maxUA)
	if _, ok := r.Profiles()[0].ParseUA(long); ok {
		t.Error("an over-long UA was accepted")
	}
}
