package api

import (
	"fmt"
	"strconv"

	"github.com/gin-gonic/gin"
)

// intParam reads an optional whole-number query parameter within [lo, hi].
func intParam(c *gin.Context, name string, def, lo, hi int) (int, error) {
	v, ok := c.GetQuery(name)
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, errBadRequest(fmt.Sprintf("%s: harus bilangan bulat %d sampai %d", name, lo, hi))
	}
	return n, nil
}

// boolParam reads an optional true/false query parameter.
func boolParam(c *gin.Context, name string) (bool, error) {
	switch v, _ := c.GetQuery(name); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, errBadRequest(name + ": harus true atau false")
}
