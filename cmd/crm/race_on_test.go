//go:build race

package main

// raceEnabled: the tests run with -race, so the crm binary they start is
// built with it too (its packages are then already in the build cache).
const raceEnabled = true
