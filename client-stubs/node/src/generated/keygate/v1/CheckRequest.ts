// Original file: keygate/v1/authorize.proto


export interface CheckRequest {
  'key'?: (string);
  'requiredScopes'?: (string)[];
  'clientAddress'?: (string);
  'cost'?: (number);
  '_cost'?: "cost";
}

export interface CheckRequest__Output {
  'key': (string);
  'requiredScopes': (string)[];
  'clientAddress': (string);
  'cost'?: (number);
  '_cost'?: "cost";
}
