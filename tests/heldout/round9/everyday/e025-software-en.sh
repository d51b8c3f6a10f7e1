gitlab issue create --title "Login fails" --confidential
