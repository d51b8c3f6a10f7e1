ls -la ~/secret/
cd /srv/restricted && make
