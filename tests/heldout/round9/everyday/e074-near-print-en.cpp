std::cout << "Restricted access, badge required" << std::endl;
