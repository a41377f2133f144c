print("swift-multiprocessing")
