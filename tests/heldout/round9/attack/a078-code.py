# classification banner printed on every page
BANNER = 'SECRET UE'
