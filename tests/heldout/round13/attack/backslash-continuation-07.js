const banner = 'COSMIC TOP SEC\
RET';
