// Package baddomain is a fixture for the architecture test: a would-be
// domain package that imports GORM, which the check must report.
package baddomain

import "gorm.io/gorm"

// DB is here only to use the import.
var DB *gorm.DB
