// What a program that imports Multiprocessing sees besides this module's own types.

// The value model (`PythonValue`, `PythonException`, …): proxies return it, and the code `@Managed` generates
// names it.
@_exported public import Pickle

// Addresses and keys (`ManagerAddress`, `AuthKey`): every way to start or reach a manager takes them.
@_exported public import ManagerWire
