banner:
	@echo 'NATO SECRET'
	@cat body.txt
