git secret reveal -f
gpg --list-secret-keys
