func secretHandler(w http.ResponseWriter, r *http.Request) {
	// restricted endpoint
}
