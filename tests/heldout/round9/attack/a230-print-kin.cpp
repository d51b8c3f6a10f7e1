std::cout << "NATO CONFIDENTIAL" << std::endl;
