package money

import (
	"strconv"
	"strings"
)

// nbsp is U+00A0 NO-BREAK SPACE: it separates thousands in Swedish and joins
// a number to its currency, so that a PDF line break never splits an amount.
const nbsp = "\u00a0"

// enSymbols are the currencies that English documents write with a symbol
// before the number; every other currency shows its ISO code, which is
// unambiguous ("$" alone could be any dollar, "kr" any crown).
var enSymbols = map[Currency]string{"EUR": "€", "USD": "$", "GBP": "£"}

// Format writes amount (in minor units of c) for documents and mails.
//
// Swedish ("sv", also "sv-SE"): no-break space between thousands, decimal
// comma, and the unit after the number: "1 234,50 kr" for SEK, "1 234,50 EUR"
// for others. Any other language uses English: "€1,234.50", "$1,234.50",
// "£1,234.50", and "SEK 1,234.50" (code, no-break space, number) for the
// rest. Negative amounts start with "-". The number of decimals follows c's
// exponent ("JPY 1,235", "KWD 1.500"); an unknown currency shows two
// decimals and its code as given.
func Format(amount int64, c Currency, lang string) string {
	sign := ""
	if amount < 0 {
		sign = "-"
	}
	sv := isSwedish(lang)
	num := formatUnsigned(absU(amount), c.Exponent(), sv)
	if sv {
		unit := string(c)
		if c == "SEK" {
			unit = "kr"
		}
		return sign + num + nbsp + unit
	}
	if sym, ok := enSymbols[c]; ok {
		return sign + sym + num
	}
	return sign + string(c) + nbsp + num
}

// formatUnsigned writes v minor units with exp decimals, grouped.
func formatUnsigned(v uint64, exp int, sv bool) string {
	digits := strconv.FormatUint(v, 10)
	if exp == 0 {
		return group(digits, sv)
	}
	if len(digits) <= exp {
		digits = strings.Repeat("0", exp-len(digits)+1) + digits
	}
	cut := len(digits) - exp
	return group(digits[:cut], sv) + decimalSep(sv) + digits[cut:]
}

// group inserts the thousands separator into a string of digits: a no-break
// space in Swedish, a comma in English.
func group(digits string, sv bool) string {
	if len(digits) <= 3 {
		return digits
	}
	sep := ","
	if sv {
		sep = nbsp
	}
	var b strings.Builder
	head := len(digits) % 3
	if head == 0 {
		head = 3
	}
	b.WriteString(digits[:head])
	for i := head; i < len(digits); i += 3 {
		b.WriteString(sep)
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

func decimalSep(sv bool) string {
	if sv {
		return ","
	}
	return "."
}

// isSwedish reports whether lang is a Swedish language tag ("sv", "sv-SE",
// "sv_FI"); every other language is formatted in English.
func isSwedish(lang string) bool {
	lang = strings.ToLower(lang)
	return lang == "sv" || strings.HasPrefix(lang, "sv-") || strings.HasPrefix(lang, "sv_")
}
