printf("COSMIC\tTOP\tSECRET\n");
