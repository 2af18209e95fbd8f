package main

// The time zone database is built in, so an account's time zone is
// validated the same way on a host without /usr/share/zoneinfo (a
// minimal container).
import _ "time/tzdata"
